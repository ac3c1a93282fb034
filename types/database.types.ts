export type Json = string | number | boolean | null | {
  [key: string]: Json | undefined;
} | Json[];

export type Database = {
  "public": {
    Tables: {
      "academies": {
        Row: {
          "created_at": string;
          "id": string;
          "name": string;
          "slug": string;
          "time_zone": string;
        };
        ComputedFields: never;
        Insert: {
          "created_at"?: string;
          "id"?: string;
          "name": string;
          "slug": string;
          "time_zone"?: string;
        };
        Update: {
          "created_at"?: string;
          "id"?: string;
          "name"?: string;
          "slug"?: string;
          "time_zone"?: string;
        };
        Relationships: [];
      };
      "academy_members": {
        Row: {
          "academy_id": string;
          "created_at": string;
          "role": Database["public"]["Enums"]["academy_role"];
          "user_id": string;
        };
        ComputedFields: never;
        Insert: {
          "academy_id": string;
          "created_at"?: string;
          "role"?: Database["public"]["Enums"]["academy_role"];
          "user_id": string;
        };
        Update: {
          "academy_id"?: string;
          "created_at"?: string;
          "role"?: Database["public"]["Enums"]["academy_role"];
          "user_id"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "academy_members_academy_id_fkey";
            columns: ["academy_id"];
            isOneToOne: false;
            referencedRelation: "academies";
            referencedColumns: ["id"];
          },
        ];
      };
      "academy_tutor_settings": {
        Row: {
          "academy_id": string;
          "model": string | null;
          "monthly_token_limit": number | null;
          "provider": string | null;
          "teacher_access": boolean;
          "updated_at": string;
        };
        ComputedFields: never;
        Insert: {
          "academy_id": string;
          "model"?: string | null;
          "monthly_token_limit"?: number | null;
          "provider"?: string | null;
          "teacher_access"?: boolean;
          "updated_at"?: string;
        };
        Update: {
          "academy_id"?: string;
          "model"?: string | null;
          "monthly_token_limit"?: number | null;
          "provider"?: string | null;
          "teacher_access"?: boolean;
          "updated_at"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "academy_tutor_settings_academy_id_fkey";
            columns: ["academy_id"];
            isOneToOne: true;
            referencedRelation: "academies";
            referencedColumns: ["id"];
          },
        ];
      };
      "attempt_activity_events": {
        Row: {
          "attempt_id": string;
          "client_id": string | null;
          "created_at": string;
          "details": NonNullable<Json>;
          "event_type": string;
          "id": number;
        };
        ComputedFields: never;
        Insert: {
          "attempt_id": string;
          "client_id"?: string | null;
          "created_at"?: string;
          "details"?: NonNullable<Json>;
          "event_type": string;
          "id"?: never;
        };
        Update: {
          "attempt_id"?: string;
          "client_id"?: string | null;
          "created_at"?: string;
          "details"?: NonNullable<Json>;
          "event_type"?: string;
          "id"?: never;
        };
        Relationships: [
          {
            foreignKeyName: "attempt_activity_events_attempt_id_fkey";
            columns: ["attempt_id"];
            isOneToOne: false;
            referencedRelation: "exam_attempts";
            referencedColumns: ["id"];
          },
        ];
      };
      "attempt_answers": {
        Row: {
          "attempt_id": string;
          "client_id": string | null;
          "client_seq": number | null;
          "is_correct": boolean | null;
          "points_awarded": number | null;
          "question_id": string;
          "updated_at": string;
          "value": Json | null;
          "version": number;
        };
        ComputedFields: never;
        Insert: {
          "attempt_id": string;
          "client_id"?: string | null;
          "client_seq"?: number | null;
          "is_correct"?: boolean | null;
          "points_awarded"?: number | null;
          "question_id": string;
          "updated_at"?: string;
          "value"?: Json | null;
          "version": number;
        };
        Update: {
          "attempt_id"?: string;
          "client_id"?: string | null;
          "client_seq"?: number | null;
          "is_correct"?: boolean | null;
          "points_awarded"?: number | null;
          "question_id"?: string;
          "updated_at"?: string;
          "value"?: Json | null;
          "version"?: number;
        };
        Relationships: [
          {
            foreignKeyName: "attempt_answers_attempt_id_fkey";
            columns: ["attempt_id"];
            isOneToOne: false;
            referencedRelation: "exam_attempts";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "attempt_answers_question_id_fkey";
            columns: ["question_id"];
            isOneToOne: false;
            referencedRelation: "questions";
            referencedColumns: ["id"];
          },
        ];
      };
      "attempt_conflicts": {
        Row: {
          "attempt_id": string;
          "base_version": number;
          "client_id": string | null;
          "created_at": string;
          "id": string;
          "local_value": Json | null;
          "op_id": string;
          "question_id": string;
          "resolution": string | null;
          "resolved_at": string | null;
          "server_value": Json | null;
          "server_version": number;
        };
        ComputedFields: never;
        Insert: {
          "attempt_id": string;
          "base_version": number;
          "client_id"?: string | null;
          "created_at"?: string;
          "id"?: string;
          "local_value"?: Json | null;
          "op_id": string;
          "question_id": string;
          "resolution"?: string | null;
          "resolved_at"?: string | null;
          "server_value"?: Json | null;
          "server_version": number;
        };
        Update: {
          "attempt_id"?: string;
          "base_version"?: number;
          "client_id"?: string | null;
          "created_at"?: string;
          "id"?: string;
          "local_value"?: Json | null;
          "op_id"?: string;
          "question_id"?: string;
          "resolution"?: string | null;
          "resolved_at"?: string | null;
          "server_value"?: Json | null;
          "server_version"?: number;
        };
        Relationships: [
          {
            foreignKeyName: "attempt_conflicts_attempt_id_fkey";
            columns: ["attempt_id"];
            isOneToOne: false;
            referencedRelation: "exam_attempts";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "attempt_conflicts_question_id_fkey";
            columns: ["question_id"];
            isOneToOne: false;
            referencedRelation: "questions";
            referencedColumns: ["id"];
          },
        ];
      };
      "attempt_connections": {
        Row: {
          "attempt_id": string;
          "client_id": string;
          "connected_at": string;
          "last_heartbeat_at": string;
          "user_id": string;
        };
        ComputedFields: never;
        Insert: {
          "attempt_id": string;
          "client_id": string;
          "connected_at"?: string;
          "last_heartbeat_at"?: string;
          "user_id": string;
        };
        Update: {
          "attempt_id"?: string;
          "client_id"?: string;
          "connected_at"?: string;
          "last_heartbeat_at"?: string;
          "user_id"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "attempt_connections_attempt_id_fkey";
            columns: ["attempt_id"];
            isOneToOne: false;
            referencedRelation: "exam_attempts";
            referencedColumns: ["id"];
          },
        ];
      };
      "attempt_flags": {
        Row: {
          "attempt_id": string;
          "client_id": string | null;
          "client_seq": number | null;
          "flagged": boolean;
          "question_id": string;
          "updated_at": string;
        };
        ComputedFields: never;
        Insert: {
          "attempt_id": string;
          "client_id"?: string | null;
          "client_seq"?: number | null;
          "flagged": boolean;
          "question_id": string;
          "updated_at"?: string;
        };
        Update: {
          "attempt_id"?: string;
          "client_id"?: string | null;
          "client_seq"?: number | null;
          "flagged"?: boolean;
          "question_id"?: string;
          "updated_at"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "attempt_flags_attempt_id_fkey";
            columns: ["attempt_id"];
            isOneToOne: false;
            referencedRelation: "exam_attempts";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "attempt_flags_question_id_fkey";
            columns: ["question_id"];
            isOneToOne: false;
            referencedRelation: "questions";
            referencedColumns: ["id"];
          },
        ];
      };
      "attempt_section_states": {
        Row: {
          "attempt_id": string;
          "completed_at": string | null;
          "current_question_id": string | null;
          "deadline_at": string | null;
          "section_id": string;
          "started_at": string | null;
          "status": Database["public"]["Enums"]["section_status"];
          "time_used_ms": number;
          "updated_at": string;
        };
        ComputedFields: never;
        Insert: {
          "attempt_id": string;
          "completed_at"?: string | null;
          "current_question_id"?: string | null;
          "deadline_at"?: string | null;
          "section_id": string;
          "started_at"?: string | null;
          "status"?: Database["public"]["Enums"]["section_status"];
          "time_used_ms"?: number;
          "updated_at"?: string;
        };
        Update: {
          "attempt_id"?: string;
          "completed_at"?: string | null;
          "current_question_id"?: string | null;
          "deadline_at"?: string | null;
          "section_id"?: string;
          "started_at"?: string | null;
          "status"?: Database["public"]["Enums"]["section_status"];
          "time_used_ms"?: number;
          "updated_at"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "attempt_section_states_attempt_id_fkey";
            columns: ["attempt_id"];
            isOneToOne: false;
            referencedRelation: "exam_attempts";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "attempt_section_states_current_question_id_fkey";
            columns: ["current_question_id"];
            isOneToOne: false;
            referencedRelation: "questions";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "attempt_section_states_section_id_fkey";
            columns: ["section_id"];
            isOneToOne: false;
            referencedRelation: "exam_sections";
            referencedColumns: ["id"];
          },
        ];
      };
      "chat_messages": {
        Row: {
          "attachment_mime": string | null;
          "attachment_name": string | null;
          "attachment_path": string | null;
          "attachment_size": number | null;
          "author_id": string | null;
          "body": string | null;
          "client_msg_id": string;
          "created_at": string;
          "deleted_at": string | null;
          "deleted_by": string | null;
          "edited_at": string | null;
          "id": number;
          "reply_to_id": number | null;
          "room_id": string;
          "thread_user_id": string | null;
        };
        ComputedFields: never;
        Insert: {
          "attachment_mime"?: string | null;
          "attachment_name"?: string | null;
          "attachment_path"?: string | null;
          "attachment_size"?: number | null;
          "author_id"?: string | null;
          "body"?: string | null;
          "client_msg_id": string;
          "created_at"?: string;
          "deleted_at"?: string | null;
          "deleted_by"?: string | null;
          "edited_at"?: string | null;
          "id"?: never;
          "reply_to_id"?: number | null;
          "room_id": string;
          "thread_user_id"?: string | null;
        };
        Update: {
          "attachment_mime"?: string | null;
          "attachment_name"?: string | null;
          "attachment_path"?: string | null;
          "attachment_size"?: number | null;
          "author_id"?: string | null;
          "body"?: string | null;
          "client_msg_id"?: string;
          "created_at"?: string;
          "deleted_at"?: string | null;
          "deleted_by"?: string | null;
          "edited_at"?: string | null;
          "id"?: never;
          "reply_to_id"?: number | null;
          "room_id"?: string;
          "thread_user_id"?: string | null;
        };
        Relationships: [
          {
            foreignKeyName: "chat_messages_reply_to_id_fkey";
            columns: ["reply_to_id"];
            isOneToOne: false;
            referencedRelation: "chat_messages";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "chat_messages_room_id_fkey";
            columns: ["room_id"];
            isOneToOne: false;
            referencedRelation: "chat_rooms";
            referencedColumns: ["id"];
          },
        ];
      };
      "chat_room_members": {
        Row: {
          "joined_at": string;
          "last_read_message_id": number;
          "left_at": string | null;
          "role": Database["public"]["Enums"]["chat_member_role"];
          "room_id": string;
          "user_id": string;
        };
        ComputedFields: never;
        Insert: {
          "joined_at"?: string;
          "last_read_message_id"?: number;
          "left_at"?: string | null;
          "role"?: Database["public"]["Enums"]["chat_member_role"];
          "room_id": string;
          "user_id": string;
        };
        Update: {
          "joined_at"?: string;
          "last_read_message_id"?: number;
          "left_at"?: string | null;
          "role"?: Database["public"]["Enums"]["chat_member_role"];
          "room_id"?: string;
          "user_id"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "chat_room_members_room_id_fkey";
            columns: ["room_id"];
            isOneToOne: false;
            referencedRelation: "chat_rooms";
            referencedColumns: ["id"];
          },
        ];
      };
      "chat_rooms": {
        Row: {
          "academy_id": string;
          "created_at": string;
          "created_by": string | null;
          "id": string;
          "kind": Database["public"]["Enums"]["chat_room_kind"];
          "mentor_id": string | null;
          "session_id": string | null;
          "study_group_id": string | null;
          "title": string;
        };
        ComputedFields: never;
        Insert: {
          "academy_id": string;
          "created_at"?: string;
          "created_by"?: string | null;
          "id"?: string;
          "kind": Database["public"]["Enums"]["chat_room_kind"];
          "mentor_id"?: string | null;
          "session_id"?: string | null;
          "study_group_id"?: string | null;
          "title": string;
        };
        Update: {
          "academy_id"?: string;
          "created_at"?: string;
          "created_by"?: string | null;
          "id"?: string;
          "kind"?: Database["public"]["Enums"]["chat_room_kind"];
          "mentor_id"?: string | null;
          "session_id"?: string | null;
          "study_group_id"?: string | null;
          "title"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "chat_rooms_academy_id_fkey";
            columns: ["academy_id"];
            isOneToOne: false;
            referencedRelation: "academies";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "chat_rooms_session_id_fkey";
            columns: ["session_id"];
            isOneToOne: false;
            referencedRelation: "exam_sessions";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "chat_rooms_study_group_id_fkey";
            columns: ["study_group_id"];
            isOneToOne: false;
            referencedRelation: "study_groups";
            referencedColumns: ["id"];
          },
        ];
      };
      "exam_attempts": {
        Row: {
          "academy_id": string;
          "attempt_number": number;
          "client_remaining_ms": number | null;
          "client_remaining_reported_at": string | null;
          "conflict_strategy": Database["public"]["Enums"]["conflict_strategy"];
          "created_at": string;
          "current_question_id": string | null;
          "deadline_at": string;
          "exam_id": string;
          "expiry_policy": Database["public"]["Enums"]["exam_expiry_policy"];
          "extension_seconds": number;
          "finished_at": string | null;
          "graded_at": string | null;
          "grading_status": Database["public"]["Enums"]["grading_status"];
          "id": string;
          "last_activity_at": string;
          "max_score": number | null;
          "mode": Database["public"]["Enums"]["attempt_mode"];
          "paused_at": string | null;
          "position_client_id": string | null;
          "position_seq": number | null;
          "score": number | null;
          "session_id": string | null;
          "started_at": string;
          "status": Database["public"]["Enums"]["attempt_status"];
          "updated_at": string;
          "user_id": string;
        };
        ComputedFields: never;
        Insert: {
          "academy_id": string;
          "attempt_number": number;
          "client_remaining_ms"?: number | null;
          "client_remaining_reported_at"?: string | null;
          "conflict_strategy": Database["public"]["Enums"]["conflict_strategy"];
          "created_at"?: string;
          "current_question_id"?: string | null;
          "deadline_at": string;
          "exam_id": string;
          "expiry_policy": Database["public"]["Enums"]["exam_expiry_policy"];
          "extension_seconds"?: number;
          "finished_at"?: string | null;
          "graded_at"?: string | null;
          "grading_status"?: Database["public"]["Enums"]["grading_status"];
          "id"?: string;
          "last_activity_at"?: string;
          "max_score"?: number | null;
          "mode"?: Database["public"]["Enums"]["attempt_mode"];
          "paused_at"?: string | null;
          "position_client_id"?: string | null;
          "position_seq"?: number | null;
          "score"?: number | null;
          "session_id"?: string | null;
          "started_at"?: string;
          "status"?: Database["public"]["Enums"]["attempt_status"];
          "updated_at"?: string;
          "user_id": string;
        };
        Update: {
          "academy_id"?: string;
          "attempt_number"?: number;
          "client_remaining_ms"?: number | null;
          "client_remaining_reported_at"?: string | null;
          "conflict_strategy"?:
            Database["public"]["Enums"]["conflict_strategy"];
          "created_at"?: string;
          "current_question_id"?: string | null;
          "deadline_at"?: string;
          "exam_id"?: string;
          "expiry_policy"?: Database["public"]["Enums"]["exam_expiry_policy"];
          "extension_seconds"?: number;
          "finished_at"?: string | null;
          "graded_at"?: string | null;
          "grading_status"?: Database["public"]["Enums"]["grading_status"];
          "id"?: string;
          "last_activity_at"?: string;
          "max_score"?: number | null;
          "mode"?: Database["public"]["Enums"]["attempt_mode"];
          "paused_at"?: string | null;
          "position_client_id"?: string | null;
          "position_seq"?: number | null;
          "score"?: number | null;
          "session_id"?: string | null;
          "started_at"?: string;
          "status"?: Database["public"]["Enums"]["attempt_status"];
          "updated_at"?: string;
          "user_id"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "exam_attempts_academy_id_fkey";
            columns: ["academy_id"];
            isOneToOne: false;
            referencedRelation: "academies";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "exam_attempts_current_question_id_fkey";
            columns: ["current_question_id"];
            isOneToOne: false;
            referencedRelation: "questions";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "exam_attempts_exam_id_fkey";
            columns: ["exam_id"];
            isOneToOne: false;
            referencedRelation: "exams";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "exam_attempts_session_id_fkey";
            columns: ["session_id"];
            isOneToOne: false;
            referencedRelation: "exam_sessions";
            referencedColumns: ["id"];
          },
        ];
      };
      "exam_sections": {
        Row: {
          "exam_id": string;
          "id": string;
          "position": number;
          "sub_skill": string | null;
          "time_limit_seconds": number | null;
          "title": string;
        };
        ComputedFields: never;
        Insert: {
          "exam_id": string;
          "id"?: string;
          "position": number;
          "sub_skill"?: string | null;
          "time_limit_seconds"?: number | null;
          "title": string;
        };
        Update: {
          "exam_id"?: string;
          "id"?: string;
          "position"?: number;
          "sub_skill"?: string | null;
          "time_limit_seconds"?: number | null;
          "title"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "exam_sections_exam_id_fkey";
            columns: ["exam_id"];
            isOneToOne: false;
            referencedRelation: "exams";
            referencedColumns: ["id"];
          },
        ];
      };
      "exam_session_announcements": {
        Row: {
          "author_id": string | null;
          "created_at": string;
          "id": number;
          "message": string;
          "session_id": string;
        };
        ComputedFields: never;
        Insert: {
          "author_id"?: string | null;
          "created_at"?: string;
          "id"?: never;
          "message": string;
          "session_id": string;
        };
        Update: {
          "author_id"?: string | null;
          "created_at"?: string;
          "id"?: never;
          "message"?: string;
          "session_id"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "exam_session_announcements_session_id_fkey";
            columns: ["session_id"];
            isOneToOne: false;
            referencedRelation: "exam_sessions";
            referencedColumns: ["id"];
          },
        ];
      };
      "exam_session_participants": {
        Row: {
          "admitted_at": string | null;
          "attempt_id": string | null;
          "joined_at": string;
          "last_progress_at": string | null;
          "removal_reason": string | null;
          "removed_at": string | null;
          "session_id": string;
          "status": Database["public"]["Enums"]["participant_status"];
          "updated_at": string;
          "user_id": string;
        };
        ComputedFields: never;
        Insert: {
          "admitted_at"?: string | null;
          "attempt_id"?: string | null;
          "joined_at"?: string;
          "last_progress_at"?: string | null;
          "removal_reason"?: string | null;
          "removed_at"?: string | null;
          "session_id": string;
          "status"?: Database["public"]["Enums"]["participant_status"];
          "updated_at"?: string;
          "user_id": string;
        };
        Update: {
          "admitted_at"?: string | null;
          "attempt_id"?: string | null;
          "joined_at"?: string;
          "last_progress_at"?: string | null;
          "removal_reason"?: string | null;
          "removed_at"?: string | null;
          "session_id"?: string;
          "status"?: Database["public"]["Enums"]["participant_status"];
          "updated_at"?: string;
          "user_id"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "exam_session_participants_attempt_id_fkey";
            columns: ["attempt_id"];
            isOneToOne: false;
            referencedRelation: "exam_attempts";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "exam_session_participants_session_id_fkey";
            columns: ["session_id"];
            isOneToOne: false;
            referencedRelation: "exam_sessions";
            referencedColumns: ["id"];
          },
        ];
      };
      "exam_session_teachers": {
        Row: {
          "added_at": string;
          "session_id": string;
          "user_id": string;
        };
        ComputedFields: never;
        Insert: {
          "added_at"?: string;
          "session_id": string;
          "user_id": string;
        };
        Update: {
          "added_at"?: string;
          "session_id"?: string;
          "user_id"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "exam_session_teachers_session_id_fkey";
            columns: ["session_id"];
            isOneToOne: false;
            referencedRelation: "exam_sessions";
            referencedColumns: ["id"];
          },
        ];
      };
      "exam_sessions": {
        Row: {
          "academy_id": string;
          "auto_submit_at_end": boolean;
          "created_at": string;
          "deadline_at": string | null;
          "duration_seconds": number;
          "ended_at": string | null;
          "exam_id": string;
          "id": string;
          "join_code": string;
          "late_join_allowed": boolean;
          "mode": Database["public"]["Enums"]["attempt_mode"];
          "owner_id": string | null;
          "paused_at": string | null;
          "scheduled_start_at": string | null;
          "started_at": string | null;
          "status": Database["public"]["Enums"]["session_status"];
          "title": string;
          "updated_at": string;
        };
        ComputedFields: never;
        Insert: {
          "academy_id": string;
          "auto_submit_at_end"?: boolean;
          "created_at"?: string;
          "deadline_at"?: string | null;
          "duration_seconds": number;
          "ended_at"?: string | null;
          "exam_id": string;
          "id"?: string;
          "join_code": string;
          "late_join_allowed"?: boolean;
          "mode"?: Database["public"]["Enums"]["attempt_mode"];
          "owner_id"?: string | null;
          "paused_at"?: string | null;
          "scheduled_start_at"?: string | null;
          "started_at"?: string | null;
          "status"?: Database["public"]["Enums"]["session_status"];
          "title": string;
          "updated_at"?: string;
        };
        Update: {
          "academy_id"?: string;
          "auto_submit_at_end"?: boolean;
          "created_at"?: string;
          "deadline_at"?: string | null;
          "duration_seconds"?: number;
          "ended_at"?: string | null;
          "exam_id"?: string;
          "id"?: string;
          "join_code"?: string;
          "late_join_allowed"?: boolean;
          "mode"?: Database["public"]["Enums"]["attempt_mode"];
          "owner_id"?: string | null;
          "paused_at"?: string | null;
          "scheduled_start_at"?: string | null;
          "started_at"?: string | null;
          "status"?: Database["public"]["Enums"]["session_status"];
          "title"?: string;
          "updated_at"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "exam_sessions_academy_id_fkey";
            columns: ["academy_id"];
            isOneToOne: false;
            referencedRelation: "academies";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "exam_sessions_exam_id_fkey";
            columns: ["exam_id"];
            isOneToOne: false;
            referencedRelation: "exams";
            referencedColumns: ["id"];
          },
        ];
      };
      "exams": {
        Row: {
          "academy_id": string;
          "available_from": string | null;
          "available_until": string | null;
          "conflict_strategy": Database["public"]["Enums"]["conflict_strategy"];
          "created_at": string;
          "created_by": string | null;
          "description": string;
          "duration_seconds": number;
          "expiry_policy": Database["public"]["Enums"]["exam_expiry_policy"];
          "grace_period_seconds": number;
          "id": string;
          "leaderboard_counts_diagnostic": boolean;
          "max_attempts": number | null;
          "navigation": Database["public"]["Enums"]["exam_navigation"];
          "published": boolean;
          "specialty": string | null;
          "title": string;
          "tutor_allowed": boolean;
          "updated_at": string;
        };
        ComputedFields: never;
        Insert: {
          "academy_id": string;
          "available_from"?: string | null;
          "available_until"?: string | null;
          "conflict_strategy"?:
            Database["public"]["Enums"]["conflict_strategy"];
          "created_at"?: string;
          "created_by"?: string | null;
          "description"?: string;
          "duration_seconds": number;
          "expiry_policy"?: Database["public"]["Enums"]["exam_expiry_policy"];
          "grace_period_seconds"?: number;
          "id"?: string;
          "leaderboard_counts_diagnostic"?: boolean;
          "max_attempts"?: number | null;
          "navigation"?: Database["public"]["Enums"]["exam_navigation"];
          "published"?: boolean;
          "specialty"?: string | null;
          "title": string;
          "tutor_allowed"?: boolean;
          "updated_at"?: string;
        };
        Update: {
          "academy_id"?: string;
          "available_from"?: string | null;
          "available_until"?: string | null;
          "conflict_strategy"?:
            Database["public"]["Enums"]["conflict_strategy"];
          "created_at"?: string;
          "created_by"?: string | null;
          "description"?: string;
          "duration_seconds"?: number;
          "expiry_policy"?: Database["public"]["Enums"]["exam_expiry_policy"];
          "grace_period_seconds"?: number;
          "id"?: string;
          "leaderboard_counts_diagnostic"?: boolean;
          "max_attempts"?: number | null;
          "navigation"?: Database["public"]["Enums"]["exam_navigation"];
          "published"?: boolean;
          "specialty"?: string | null;
          "title"?: string;
          "tutor_allowed"?: boolean;
          "updated_at"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "exams_academy_id_fkey";
            columns: ["academy_id"];
            isOneToOne: false;
            referencedRelation: "academies";
            referencedColumns: ["id"];
          },
        ];
      };
      "leaderboard_entries": {
        Row: {
          "academy_id": string;
          "exams_counted": number;
          "hidden": boolean;
          "period": Database["public"]["Enums"]["leaderboard_period"];
          "period_start": string;
          "points": number;
          "specialty": string | null;
          "updated_at": string;
          "user_id": string;
        };
        ComputedFields: never;
        Insert: {
          "academy_id": string;
          "exams_counted"?: number;
          "hidden"?: boolean;
          "period": Database["public"]["Enums"]["leaderboard_period"];
          "period_start": string;
          "points"?: number;
          "specialty"?: string | null;
          "updated_at"?: string;
          "user_id": string;
        };
        Update: {
          "academy_id"?: string;
          "exams_counted"?: number;
          "hidden"?: boolean;
          "period"?: Database["public"]["Enums"]["leaderboard_period"];
          "period_start"?: string;
          "points"?: number;
          "specialty"?: string | null;
          "updated_at"?: string;
          "user_id"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "leaderboard_entries_academy_id_fkey";
            columns: ["academy_id"];
            isOneToOne: false;
            referencedRelation: "academies";
            referencedColumns: ["id"];
          },
        ];
      };
      "notification_sends": {
        Row: {
          "academy_id": string;
          "audience": Database["public"]["Enums"]["notification_audience"];
          "created_at": string;
          "id": string;
          "priority": Database["public"]["Enums"]["notification_priority"];
          "recipient_count": number;
          "sender_id": string | null;
          "target_id": string;
          "title": string;
        };
        ComputedFields: never;
        Insert: {
          "academy_id": string;
          "audience": Database["public"]["Enums"]["notification_audience"];
          "created_at"?: string;
          "id"?: string;
          "priority": Database["public"]["Enums"]["notification_priority"];
          "recipient_count": number;
          "sender_id"?: string | null;
          "target_id": string;
          "title": string;
        };
        Update: {
          "academy_id"?: string;
          "audience"?: Database["public"]["Enums"]["notification_audience"];
          "created_at"?: string;
          "id"?: string;
          "priority"?: Database["public"]["Enums"]["notification_priority"];
          "recipient_count"?: number;
          "sender_id"?: string | null;
          "target_id"?: string;
          "title"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "notification_sends_academy_id_fkey";
            columns: ["academy_id"];
            isOneToOne: false;
            referencedRelation: "academies";
            referencedColumns: ["id"];
          },
        ];
      };
      "notifications": {
        Row: {
          "academy_id": string | null;
          "action_url": string | null;
          "batch_count": number;
          "batch_key": string | null;
          "body": string;
          "created_at": string;
          "data": NonNullable<Json>;
          "id": string;
          "priority": Database["public"]["Enums"]["notification_priority"];
          "read_at": string | null;
          "title": string;
          "type": string;
          "updated_at": string;
          "user_id": string;
        };
        ComputedFields: never;
        Insert: {
          "academy_id"?: string | null;
          "action_url"?: string | null;
          "batch_count"?: number;
          "batch_key"?: string | null;
          "body"?: string;
          "created_at"?: string;
          "data"?: NonNullable<Json>;
          "id"?: string;
          "priority"?: Database["public"]["Enums"]["notification_priority"];
          "read_at"?: string | null;
          "title": string;
          "type": string;
          "updated_at"?: string;
          "user_id": string;
        };
        Update: {
          "academy_id"?: string | null;
          "action_url"?: string | null;
          "batch_count"?: number;
          "batch_key"?: string | null;
          "body"?: string;
          "created_at"?: string;
          "data"?: NonNullable<Json>;
          "id"?: string;
          "priority"?: Database["public"]["Enums"]["notification_priority"];
          "read_at"?: string | null;
          "title"?: string;
          "type"?: string;
          "updated_at"?: string;
          "user_id"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "notifications_academy_id_fkey";
            columns: ["academy_id"];
            isOneToOne: false;
            referencedRelation: "academies";
            referencedColumns: ["id"];
          },
        ];
      };
      "outbox_events": {
        Row: {
          "created_at": string;
          "event": string;
          "id": number;
          "payload": NonNullable<Json>;
          "topic": string;
        };
        ComputedFields: never;
        Insert: {
          "created_at"?: string;
          "event": string;
          "id"?: never;
          "payload"?: NonNullable<Json>;
          "topic": string;
        };
        Update: {
          "created_at"?: string;
          "event"?: string;
          "id"?: never;
          "payload"?: NonNullable<Json>;
          "topic"?: string;
        };
        Relationships: [];
      };
      "profiles": {
        Row: {
          "avatar_url": string | null;
          "created_at": string;
          "display_name": string;
          "hide_from_leaderboards": boolean;
          "id": string;
          "specialty": string | null;
          "updated_at": string;
        };
        ComputedFields: never;
        Insert: {
          "avatar_url"?: string | null;
          "created_at"?: string;
          "display_name"?: string;
          "hide_from_leaderboards"?: boolean;
          "id": string;
          "specialty"?: string | null;
          "updated_at"?: string;
        };
        Update: {
          "avatar_url"?: string | null;
          "created_at"?: string;
          "display_name"?: string;
          "hide_from_leaderboards"?: boolean;
          "id"?: string;
          "specialty"?: string | null;
          "updated_at"?: string;
        };
        Relationships: [];
      };
      "question_attempt_history": {
        Row: {
          "attempt_id": string;
          "client_id": string | null;
          "created_at": string;
          "id": number;
          "new_value": Json | null;
          "new_version": number | null;
          "old_value": Json | null;
          "old_version": number | null;
          "op_id": string | null;
          "question_id": string;
          "source": Database["public"]["Enums"]["answer_history_source"];
        };
        ComputedFields: never;
        Insert: {
          "attempt_id": string;
          "client_id"?: string | null;
          "created_at"?: string;
          "id"?: never;
          "new_value"?: Json | null;
          "new_version"?: number | null;
          "old_value"?: Json | null;
          "old_version"?: number | null;
          "op_id"?: string | null;
          "question_id": string;
          "source": Database["public"]["Enums"]["answer_history_source"];
        };
        Update: {
          "attempt_id"?: string;
          "client_id"?: string | null;
          "created_at"?: string;
          "id"?: never;
          "new_value"?: Json | null;
          "new_version"?: number | null;
          "old_value"?: Json | null;
          "old_version"?: number | null;
          "op_id"?: string | null;
          "question_id"?: string;
          "source"?: Database["public"]["Enums"]["answer_history_source"];
        };
        Relationships: [
          {
            foreignKeyName: "question_attempt_history_attempt_id_fkey";
            columns: ["attempt_id"];
            isOneToOne: false;
            referencedRelation: "exam_attempts";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "question_attempt_history_question_id_fkey";
            columns: ["question_id"];
            isOneToOne: false;
            referencedRelation: "questions";
            referencedColumns: ["id"];
          },
        ];
      };
      "questions": {
        Row: {
          "created_at": string;
          "exam_id": string;
          "id": string;
          "options": NonNullable<Json>;
          "points": number;
          "position": number;
          "prompt": string;
          "section_id": string;
          "sub_skill": string | null;
          "type": Database["public"]["Enums"]["question_type"];
          "updated_at": string;
        };
        ComputedFields: never;
        Insert: {
          "created_at"?: string;
          "exam_id": string;
          "id"?: string;
          "options"?: NonNullable<Json>;
          "points"?: number;
          "position": number;
          "prompt": string;
          "section_id": string;
          "sub_skill"?: string | null;
          "type": Database["public"]["Enums"]["question_type"];
          "updated_at"?: string;
        };
        Update: {
          "created_at"?: string;
          "exam_id"?: string;
          "id"?: string;
          "options"?: NonNullable<Json>;
          "points"?: number;
          "position"?: number;
          "prompt"?: string;
          "section_id"?: string;
          "sub_skill"?: string | null;
          "type"?: Database["public"]["Enums"]["question_type"];
          "updated_at"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "questions_exam_id_fkey";
            columns: ["exam_id"];
            isOneToOne: false;
            referencedRelation: "exams";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "questions_section_id_fkey";
            columns: ["section_id"];
            isOneToOne: false;
            referencedRelation: "exam_sections";
            referencedColumns: ["id"];
          },
        ];
      };
      "study_group_members": {
        Row: {
          "group_id": string;
          "joined_at": string;
          "left_at": string | null;
          "role": Database["public"]["Enums"]["study_group_role"];
          "user_id": string;
        };
        ComputedFields: never;
        Insert: {
          "group_id": string;
          "joined_at"?: string;
          "left_at"?: string | null;
          "role"?: Database["public"]["Enums"]["study_group_role"];
          "user_id": string;
        };
        Update: {
          "group_id"?: string;
          "joined_at"?: string;
          "left_at"?: string | null;
          "role"?: Database["public"]["Enums"]["study_group_role"];
          "user_id"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "study_group_members_group_id_fkey";
            columns: ["group_id"];
            isOneToOne: false;
            referencedRelation: "study_groups";
            referencedColumns: ["id"];
          },
        ];
      };
      "study_group_requests": {
        Row: {
          "created_at": string;
          "decided_at": string | null;
          "decided_by": string | null;
          "group_id": string;
          "id": string;
          "invited_by": string | null;
          "kind": Database["public"]["Enums"]["study_group_request_kind"];
          "status": Database["public"]["Enums"]["study_group_request_status"];
          "user_id": string;
        };
        ComputedFields: never;
        Insert: {
          "created_at"?: string;
          "decided_at"?: string | null;
          "decided_by"?: string | null;
          "group_id": string;
          "id"?: string;
          "invited_by"?: string | null;
          "kind": Database["public"]["Enums"]["study_group_request_kind"];
          "status"?: Database["public"]["Enums"]["study_group_request_status"];
          "user_id": string;
        };
        Update: {
          "created_at"?: string;
          "decided_at"?: string | null;
          "decided_by"?: string | null;
          "group_id"?: string;
          "id"?: string;
          "invited_by"?: string | null;
          "kind"?: Database["public"]["Enums"]["study_group_request_kind"];
          "status"?: Database["public"]["Enums"]["study_group_request_status"];
          "user_id"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "study_group_requests_group_id_fkey";
            columns: ["group_id"];
            isOneToOne: false;
            referencedRelation: "study_groups";
            referencedColumns: ["id"];
          },
        ];
      };
      "study_groups": {
        Row: {
          "academy_id": string;
          "archived_at": string | null;
          "created_at": string;
          "created_by": string | null;
          "description": string;
          "id": string;
          "is_public": boolean;
          "member_limit": number;
          "name": string;
          "owner_id": string | null;
          "specialty": string | null;
          "updated_at": string;
        };
        ComputedFields: never;
        Insert: {
          "academy_id": string;
          "archived_at"?: string | null;
          "created_at"?: string;
          "created_by"?: string | null;
          "description"?: string;
          "id"?: string;
          "is_public"?: boolean;
          "member_limit"?: number;
          "name": string;
          "owner_id"?: string | null;
          "specialty"?: string | null;
          "updated_at"?: string;
        };
        Update: {
          "academy_id"?: string;
          "archived_at"?: string | null;
          "created_at"?: string;
          "created_by"?: string | null;
          "description"?: string;
          "id"?: string;
          "is_public"?: boolean;
          "member_limit"?: number;
          "name"?: string;
          "owner_id"?: string | null;
          "specialty"?: string | null;
          "updated_at"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "study_groups_academy_id_fkey";
            columns: ["academy_id"];
            isOneToOne: false;
            referencedRelation: "academies";
            referencedColumns: ["id"];
          },
        ];
      };
      "tutor_conversations": {
        Row: {
          "academy_id": string;
          "created_at": string;
          "id": string;
          "last_message_at": string;
          "title": string;
          "updated_at": string;
          "user_id": string;
        };
        ComputedFields: never;
        Insert: {
          "academy_id": string;
          "created_at"?: string;
          "id"?: string;
          "last_message_at"?: string;
          "title"?: string;
          "updated_at"?: string;
          "user_id": string;
        };
        Update: {
          "academy_id"?: string;
          "created_at"?: string;
          "id"?: string;
          "last_message_at"?: string;
          "title"?: string;
          "updated_at"?: string;
          "user_id"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "tutor_conversations_academy_id_fkey";
            columns: ["academy_id"];
            isOneToOne: false;
            referencedRelation: "academies";
            referencedColumns: ["id"];
          },
        ];
      };
      "tutor_messages": {
        Row: {
          "academy_id": string;
          "cached_input_tokens": number | null;
          "conversation_id": string;
          "created_at": string;
          "finish_reason": string | null;
          "first_token_ms": number | null;
          "id": string;
          "input_tokens": number | null;
          "latency_ms": number | null;
          "metadata": NonNullable<Json>;
          "model": string | null;
          "output_tokens": number | null;
          "parts": NonNullable<Json>;
          "prompt_version": string | null;
          "provider": string | null;
          "role": Database["public"]["Enums"]["tutor_message_role"];
          "seq": number;
          "status": Database["public"]["Enums"]["tutor_message_status"];
          "user_id": string;
        };
        ComputedFields: never;
        Insert: {
          "academy_id": string;
          "cached_input_tokens"?: number | null;
          "conversation_id": string;
          "created_at"?: string;
          "finish_reason"?: string | null;
          "first_token_ms"?: number | null;
          "id": string;
          "input_tokens"?: number | null;
          "latency_ms"?: number | null;
          "metadata"?: NonNullable<Json>;
          "model"?: string | null;
          "output_tokens"?: number | null;
          "parts": NonNullable<Json>;
          "prompt_version"?: string | null;
          "provider"?: string | null;
          "role": Database["public"]["Enums"]["tutor_message_role"];
          "seq"?: never;
          "status"?: Database["public"]["Enums"]["tutor_message_status"];
          "user_id": string;
        };
        Update: {
          "academy_id"?: string;
          "cached_input_tokens"?: number | null;
          "conversation_id"?: string;
          "created_at"?: string;
          "finish_reason"?: string | null;
          "first_token_ms"?: number | null;
          "id"?: string;
          "input_tokens"?: number | null;
          "latency_ms"?: number | null;
          "metadata"?: NonNullable<Json>;
          "model"?: string | null;
          "output_tokens"?: number | null;
          "parts"?: NonNullable<Json>;
          "prompt_version"?: string | null;
          "provider"?: string | null;
          "role"?: Database["public"]["Enums"]["tutor_message_role"];
          "seq"?: never;
          "status"?: Database["public"]["Enums"]["tutor_message_status"];
          "user_id"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "tutor_messages_academy_id_fkey";
            columns: ["academy_id"];
            isOneToOne: false;
            referencedRelation: "academies";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "tutor_messages_conversation_id_fkey";
            columns: ["conversation_id"];
            isOneToOne: false;
            referencedRelation: "tutor_conversations";
            referencedColumns: ["id"];
          },
        ];
      };
      "user_activity_streaks": {
        Row: {
          "academy_id": string;
          "current_streak": number;
          "last_active_on": string | null;
          "longest_streak": number;
          "updated_at": string;
          "user_id": string;
        };
        ComputedFields: never;
        Insert: {
          "academy_id": string;
          "current_streak"?: number;
          "last_active_on"?: string | null;
          "longest_streak"?: number;
          "updated_at"?: string;
          "user_id": string;
        };
        Update: {
          "academy_id"?: string;
          "current_streak"?: number;
          "last_active_on"?: string | null;
          "longest_streak"?: number;
          "updated_at"?: string;
          "user_id"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "user_activity_streaks_academy_id_fkey";
            columns: ["academy_id"];
            isOneToOne: false;
            referencedRelation: "academies";
            referencedColumns: ["id"];
          },
        ];
      };
      "user_presence": {
        Row: {
          "last_seen_at": string;
          "status": Database["public"]["Enums"]["presence_status"];
          "updated_at": string;
          "user_id": string;
        };
        ComputedFields: never;
        Insert: {
          "last_seen_at"?: string;
          "status"?: Database["public"]["Enums"]["presence_status"];
          "updated_at"?: string;
          "user_id": string;
        };
        Update: {
          "last_seen_at"?: string;
          "status"?: Database["public"]["Enums"]["presence_status"];
          "updated_at"?: string;
          "user_id"?: string;
        };
        Relationships: [];
      };
      "user_skill_progress": {
        Row: {
          "academy_id": string;
          "attempts": number;
          "best_percent": number;
          "latest_at": string | null;
          "latest_attempt_id": string | null;
          "latest_percent": number;
          "specialty": string;
          "sub_skill": string;
          "updated_at": string;
          "user_id": string;
        };
        ComputedFields: never;
        Insert: {
          "academy_id": string;
          "attempts"?: number;
          "best_percent"?: number;
          "latest_at"?: string | null;
          "latest_attempt_id"?: string | null;
          "latest_percent"?: number;
          "specialty"?: string;
          "sub_skill": string;
          "updated_at"?: string;
          "user_id": string;
        };
        Update: {
          "academy_id"?: string;
          "attempts"?: number;
          "best_percent"?: number;
          "latest_at"?: string | null;
          "latest_attempt_id"?: string | null;
          "latest_percent"?: number;
          "specialty"?: string;
          "sub_skill"?: string;
          "updated_at"?: string;
          "user_id"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "user_skill_progress_academy_id_fkey";
            columns: ["academy_id"];
            isOneToOne: false;
            referencedRelation: "academies";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "user_skill_progress_latest_attempt_id_fkey";
            columns: ["latest_attempt_id"];
            isOneToOne: false;
            referencedRelation: "exam_attempts";
            referencedColumns: ["id"];
          },
        ];
      };
      "user_sub_skill_performance": {
        Row: {
          "academy_id": string;
          "attempts_count": number;
          "last_attempt_at": string | null;
          "points_earned": number;
          "points_possible": number;
          "questions_answered": number;
          "questions_correct": number;
          "sub_skill": string;
          "updated_at": string;
          "user_id": string;
        };
        ComputedFields: never;
        Insert: {
          "academy_id": string;
          "attempts_count"?: number;
          "last_attempt_at"?: string | null;
          "points_earned"?: number;
          "points_possible"?: number;
          "questions_answered"?: number;
          "questions_correct"?: number;
          "sub_skill": string;
          "updated_at"?: string;
          "user_id": string;
        };
        Update: {
          "academy_id"?: string;
          "attempts_count"?: number;
          "last_attempt_at"?: string | null;
          "points_earned"?: number;
          "points_possible"?: number;
          "questions_answered"?: number;
          "questions_correct"?: number;
          "sub_skill"?: string;
          "updated_at"?: string;
          "user_id"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "user_sub_skill_performance_academy_id_fkey";
            columns: ["academy_id"];
            isOneToOne: false;
            referencedRelation: "academies";
            referencedColumns: ["id"];
          },
        ];
      };
    };
    Views: {
      [_ in never]: never;
    };
    Functions: {
      "add_room_members": {
        Args: { "p_room_id": string; "p_user_ids": (string)[] };
        Returns: {
          "joined_at": string;
          "last_read_message_id": number;
          "left_at": string | null;
          "role": Database["public"]["Enums"]["chat_member_role"];
          "room_id": string;
          "user_id": string;
        }[];
        SetofOptions: {
          from: "*";
          to: "chat_room_members";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      "add_session_teacher": {
        Args: { "p_session_id": string; "p_user_id": string };
        Returns: {
          "added_at": string;
          "session_id": string;
          "user_id": string;
        };
        SetofOptions: {
          from: "*";
          to: "exam_session_teachers";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "admit_session_participants": {
        Args: { "p_session_id": string; "p_user_ids"?: (string)[] };
        Returns: {
          "admitted_at": string | null;
          "attempt_id": string | null;
          "joined_at": string;
          "last_progress_at": string | null;
          "removal_reason": string | null;
          "removed_at": string | null;
          "session_id": string;
          "status": Database["public"]["Enums"]["participant_status"];
          "updated_at": string;
          "user_id": string;
        }[];
        SetofOptions: {
          from: "*";
          to: "exam_session_participants";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      "apply_attempt_ops": {
        Args: { "p_attempt_id": string; "p_client_id"?: string; "p_ops": Json };
        Returns: Database["public"]["CompositeTypes"]["attempt_ops_result"];
        SetofOptions: {
          from: "*";
          to: "attempt_ops_result";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "batch_resolve_attempt_conflicts": {
        Args: {
          "p_resolutions":
            (Database["public"]["CompositeTypes"]["conflict_resolution"])[];
        };
        Returns: {
          "attempt_id": string;
          "base_version": number;
          "client_id": string | null;
          "created_at": string;
          "id": string;
          "local_value": Json | null;
          "op_id": string;
          "question_id": string;
          "resolution": string | null;
          "resolved_at": string | null;
          "server_value": Json | null;
          "server_version": number;
        }[];
        SetofOptions: {
          from: "*";
          to: "attempt_conflicts";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      "cleanup_stale_attempt_connections": {
        Args: { "p_timeout_seconds"?: number };
        Returns: number;
      };
      "create_academy_room": {
        Args: { "p_academy_id": string; "p_title": string };
        Returns: {
          "academy_id": string;
          "created_at": string;
          "created_by": string | null;
          "id": string;
          "kind": Database["public"]["Enums"]["chat_room_kind"];
          "mentor_id": string | null;
          "session_id": string | null;
          "study_group_id": string | null;
          "title": string;
        };
        SetofOptions: {
          from: "*";
          to: "chat_rooms";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "create_exam_session": {
        Args: {
          "p_duration_seconds"?: number;
          "p_exam_id": string;
          "p_scheduled_start_at"?: string;
          "p_settings"?: Json;
          "p_title"?: string;
        };
        Returns: {
          "academy_id": string;
          "auto_submit_at_end": boolean;
          "created_at": string;
          "deadline_at": string | null;
          "duration_seconds": number;
          "ended_at": string | null;
          "exam_id": string;
          "id": string;
          "join_code": string;
          "late_join_allowed": boolean;
          "mode": Database["public"]["Enums"]["attempt_mode"];
          "owner_id": string | null;
          "paused_at": string | null;
          "scheduled_start_at": string | null;
          "started_at": string | null;
          "status": Database["public"]["Enums"]["session_status"];
          "title": string;
          "updated_at": string;
        };
        SetofOptions: {
          from: "*";
          to: "exam_sessions";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "create_study_group": {
        Args: {
          "p_academy_id": string;
          "p_description"?: string;
          "p_is_public"?: boolean;
          "p_member_limit"?: number;
          "p_name": string;
          "p_specialty"?: string;
        };
        Returns: {
          "academy_id": string;
          "archived_at": string | null;
          "created_at": string;
          "created_by": string | null;
          "description": string;
          "id": string;
          "is_public": boolean;
          "member_limit": number;
          "name": string;
          "owner_id": string | null;
          "specialty": string | null;
          "updated_at": string;
        };
        SetofOptions: {
          from: "*";
          to: "study_groups";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "delete_message": {
        Args: { "p_message_id": number };
        Returns: {
          "attachment_mime": string | null;
          "attachment_name": string | null;
          "attachment_path": string | null;
          "attachment_size": number | null;
          "author_id": string | null;
          "body": string | null;
          "client_msg_id": string;
          "created_at": string;
          "deleted_at": string | null;
          "deleted_by": string | null;
          "edited_at": string | null;
          "id": number;
          "reply_to_id": number | null;
          "room_id": string;
          "thread_user_id": string | null;
        };
        SetofOptions: {
          from: "*";
          to: "chat_messages";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "delete_study_group": {
        Args: { "p_group_id": string };
        Returns: {
          "academy_id": string;
          "archived_at": string | null;
          "created_at": string;
          "created_by": string | null;
          "description": string;
          "id": string;
          "is_public": boolean;
          "member_limit": number;
          "name": string;
          "owner_id": string | null;
          "specialty": string | null;
          "updated_at": string;
        };
        SetofOptions: {
          from: "*";
          to: "study_groups";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "delete_tutor_conversation": {
        Args: { "p_conversation_id": string };
        Returns: {
          "academy_id": string;
          "created_at": string;
          "id": string;
          "last_message_at": string;
          "title": string;
          "updated_at": string;
          "user_id": string;
        };
        SetofOptions: {
          from: "*";
          to: "tutor_conversations";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "edit_message": {
        Args: { "p_body": string; "p_message_id": number };
        Returns: {
          "attachment_mime": string | null;
          "attachment_name": string | null;
          "attachment_path": string | null;
          "attachment_size": number | null;
          "author_id": string | null;
          "body": string | null;
          "client_msg_id": string;
          "created_at": string;
          "deleted_at": string | null;
          "deleted_by": string | null;
          "edited_at": string | null;
          "id": number;
          "reply_to_id": number | null;
          "room_id": string;
          "thread_user_id": string | null;
        };
        SetofOptions: {
          from: "*";
          to: "chat_messages";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "end_exam_session": {
        Args: { "p_session_id": string };
        Returns: {
          "academy_id": string;
          "auto_submit_at_end": boolean;
          "created_at": string;
          "deadline_at": string | null;
          "duration_seconds": number;
          "ended_at": string | null;
          "exam_id": string;
          "id": string;
          "join_code": string;
          "late_join_allowed": boolean;
          "mode": Database["public"]["Enums"]["attempt_mode"];
          "owner_id": string | null;
          "paused_at": string | null;
          "scheduled_start_at": string | null;
          "started_at": string | null;
          "status": Database["public"]["Enums"]["session_status"];
          "title": string;
          "updated_at": string;
        };
        SetofOptions: {
          from: "*";
          to: "exam_sessions";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "end_participant_attempt": {
        Args: {
          "p_reason": string;
          "p_session_id": string;
          "p_user_id": string;
        };
        Returns: {
          "academy_id": string;
          "attempt_number": number;
          "client_remaining_ms": number | null;
          "client_remaining_reported_at": string | null;
          "conflict_strategy": Database["public"]["Enums"]["conflict_strategy"];
          "created_at": string;
          "current_question_id": string | null;
          "deadline_at": string;
          "exam_id": string;
          "expiry_policy": Database["public"]["Enums"]["exam_expiry_policy"];
          "extension_seconds": number;
          "finished_at": string | null;
          "graded_at": string | null;
          "grading_status": Database["public"]["Enums"]["grading_status"];
          "id": string;
          "last_activity_at": string;
          "max_score": number | null;
          "mode": Database["public"]["Enums"]["attempt_mode"];
          "paused_at": string | null;
          "position_client_id": string | null;
          "position_seq": number | null;
          "score": number | null;
          "session_id": string | null;
          "started_at": string;
          "status": Database["public"]["Enums"]["attempt_status"];
          "updated_at": string;
          "user_id": string;
        };
        SetofOptions: {
          from: "*";
          to: "exam_attempts";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "enroll_session_students": {
        Args: { "p_session_id": string; "p_user_ids": (string)[] };
        Returns: {
          "admitted_at": string | null;
          "attempt_id": string | null;
          "joined_at": string;
          "last_progress_at": string | null;
          "removal_reason": string | null;
          "removed_at": string | null;
          "session_id": string;
          "status": Database["public"]["Enums"]["participant_status"];
          "updated_at": string;
          "user_id": string;
        }[];
        SetofOptions: {
          from: "*";
          to: "exam_session_participants";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      "extend_participant_time": {
        Args: {
          "p_reason": string;
          "p_seconds": number;
          "p_session_id": string;
          "p_user_id": string;
        };
        Returns: {
          "academy_id": string;
          "attempt_number": number;
          "client_remaining_ms": number | null;
          "client_remaining_reported_at": string | null;
          "conflict_strategy": Database["public"]["Enums"]["conflict_strategy"];
          "created_at": string;
          "current_question_id": string | null;
          "deadline_at": string;
          "exam_id": string;
          "expiry_policy": Database["public"]["Enums"]["exam_expiry_policy"];
          "extension_seconds": number;
          "finished_at": string | null;
          "graded_at": string | null;
          "grading_status": Database["public"]["Enums"]["grading_status"];
          "id": string;
          "last_activity_at": string;
          "max_score": number | null;
          "mode": Database["public"]["Enums"]["attempt_mode"];
          "paused_at": string | null;
          "position_client_id": string | null;
          "position_seq": number | null;
          "score": number | null;
          "session_id": string | null;
          "started_at": string;
          "status": Database["public"]["Enums"]["attempt_status"];
          "updated_at": string;
          "user_id": string;
        };
        SetofOptions: {
          from: "*";
          to: "exam_attempts";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "get_academy_tutor_usage": {
        Args: { "p_academy_id": string; "p_month"?: string };
        Returns: Database["public"]["CompositeTypes"]["academy_tutor_usage"][];
        SetofOptions: {
          from: "*";
          to: "academy_tutor_usage";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      "get_active_session_state": {
        Args: Record<PropertyKey, never>;
        Returns: Database["public"]["CompositeTypes"]["active_attempt"][];
        SetofOptions: {
          from: "*";
          to: "active_attempt";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      "get_attempt_connection_stats": {
        Args: { "p_attempt_id": string };
        Returns: Database["public"]["CompositeTypes"]["attempt_connection"][];
        SetofOptions: {
          from: "*";
          to: "attempt_connection";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      "get_attempt_state": {
        Args: { "p_attempt_id": string };
        Returns: Database["public"]["CompositeTypes"]["attempt_state"];
        SetofOptions: {
          from: "*";
          to: "attempt_state";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "get_attempt_sync_status": {
        Args: { "p_attempt_id": string };
        Returns: Database["public"]["CompositeTypes"]["attempt_sync_status"];
        SetofOptions: {
          from: "*";
          to: "attempt_sync_status";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "get_leaderboard": {
        Args: {
          "p_academy_id"?: string;
          "p_limit"?: number;
          "p_offset"?: number;
          "p_period"?: Database["public"]["Enums"]["leaderboard_period"];
          "p_specialty"?: string;
        };
        Returns: {
          "avatar_url": string;
          "display_name": string;
          "exams_counted": number;
          "points": number;
          "rank": number;
          "specialty": string;
          "user_id": string;
        }[];
      };
      "get_my_progress": {
        Args: { "p_academy_id"?: string };
        Returns: Database["public"]["CompositeTypes"]["my_progress"][];
        SetofOptions: {
          from: "*";
          to: "my_progress";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      "get_my_rank": {
        Args: {
          "p_academy_id"?: string;
          "p_period"?: Database["public"]["Enums"]["leaderboard_period"];
          "p_specialty"?: string;
        };
        Returns: Database["public"]["CompositeTypes"]["leaderboard_rank"];
        SetofOptions: {
          from: "*";
          to: "leaderboard_rank";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "get_my_rooms": {
        Args: Record<PropertyKey, never>;
        Returns: Database["public"]["CompositeTypes"]["chat_room_summary"][];
        SetofOptions: {
          from: "*";
          to: "chat_room_summary";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      "get_my_tutor_usage": {
        Args: Record<PropertyKey, never>;
        Returns: Database["public"]["CompositeTypes"]["tutor_usage"][];
        SetofOptions: {
          from: "*";
          to: "tutor_usage";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      "get_notifications": {
        Args: {
          "p_before"?: string;
          "p_limit"?: number;
          "p_unread_only"?: boolean;
        };
        Returns: {
          "academy_id": string | null;
          "action_url": string | null;
          "batch_count": number;
          "batch_key": string | null;
          "body": string;
          "created_at": string;
          "data": NonNullable<Json>;
          "id": string;
          "priority": Database["public"]["Enums"]["notification_priority"];
          "read_at": string | null;
          "title": string;
          "type": string;
          "updated_at": string;
          "user_id": string;
        }[];
        SetofOptions: {
          from: "*";
          to: "notifications";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      "get_question_keys": {
        Args: { "p_exam_id": string };
        Returns: Database["public"]["CompositeTypes"]["question_key"][];
        SetofOptions: {
          from: "*";
          to: "question_key";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      "get_realtime_attempt_activity": {
        Args: {
          "p_attempt_id": string;
          "p_limit"?: number;
          "p_since"?: string;
        };
        Returns: {
          "attempt_id": string;
          "client_id": string | null;
          "created_at": string;
          "details": NonNullable<Json>;
          "event_type": string;
          "id": number;
        }[];
        SetofOptions: {
          from: "*";
          to: "attempt_activity_events";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      "get_realtime_performance_metrics": {
        Args: { "p_minutes"?: number };
        Returns:
          Database["public"]["CompositeTypes"]["realtime_performance_metrics"];
        SetofOptions: {
          from: "*";
          to: "realtime_performance_metrics";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "get_room_members": {
        Args: { "p_room_id": string };
        Returns:
          Database["public"]["CompositeTypes"]["chat_room_member_status"][];
        SetofOptions: {
          from: "*";
          to: "chat_room_member_status";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      "get_session_dashboard": {
        Args: { "p_session_id": string };
        Returns: Database["public"]["CompositeTypes"]["session_dashboard"];
        SetofOptions: {
          from: "*";
          to: "session_dashboard";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "get_student_progress": {
        Args: { "p_academy_id"?: string; "p_user_id": string };
        Returns: Database["public"]["CompositeTypes"]["my_progress"][];
        SetofOptions: {
          from: "*";
          to: "my_progress";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      "get_unread_counts": {
        Args: Record<PropertyKey, never>;
        Returns:
          Database["public"]["CompositeTypes"]["notification_unread_counts"];
        SetofOptions: {
          from: "*";
          to: "notification_unread_counts";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "invite_to_study_group": {
        Args: { "p_group_id": string; "p_user_id": string };
        Returns: {
          "created_at": string;
          "decided_at": string | null;
          "decided_by": string | null;
          "group_id": string;
          "id": string;
          "invited_by": string | null;
          "kind": Database["public"]["Enums"]["study_group_request_kind"];
          "status": Database["public"]["Enums"]["study_group_request_status"];
          "user_id": string;
        };
        SetofOptions: {
          from: "*";
          to: "study_group_requests";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "join_exam_session": {
        Args: { "p_join_code": string };
        Returns: {
          "admitted_at": string | null;
          "attempt_id": string | null;
          "joined_at": string;
          "last_progress_at": string | null;
          "removal_reason": string | null;
          "removed_at": string | null;
          "session_id": string;
          "status": Database["public"]["Enums"]["participant_status"];
          "updated_at": string;
          "user_id": string;
        };
        SetofOptions: {
          from: "*";
          to: "exam_session_participants";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "join_room": {
        Args: { "p_room_id": string };
        Returns: {
          "joined_at": string;
          "last_read_message_id": number;
          "left_at": string | null;
          "role": Database["public"]["Enums"]["chat_member_role"];
          "room_id": string;
          "user_id": string;
        };
        SetofOptions: {
          from: "*";
          to: "chat_room_members";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "join_study_group": {
        Args: { "p_group_id": string };
        Returns: {
          "group_id": string;
          "joined_at": string;
          "left_at": string | null;
          "role": Database["public"]["Enums"]["study_group_role"];
          "user_id": string;
        };
        SetofOptions: {
          from: "*";
          to: "study_group_members";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "launch_exam_session": {
        Args: { "p_session_id": string };
        Returns: {
          "academy_id": string;
          "auto_submit_at_end": boolean;
          "created_at": string;
          "deadline_at": string | null;
          "duration_seconds": number;
          "ended_at": string | null;
          "exam_id": string;
          "id": string;
          "join_code": string;
          "late_join_allowed": boolean;
          "mode": Database["public"]["Enums"]["attempt_mode"];
          "owner_id": string | null;
          "paused_at": string | null;
          "scheduled_start_at": string | null;
          "started_at": string | null;
          "status": Database["public"]["Enums"]["session_status"];
          "title": string;
          "updated_at": string;
        };
        SetofOptions: {
          from: "*";
          to: "exam_sessions";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "leave_room": {
        Args: { "p_room_id": string };
        Returns: {
          "joined_at": string;
          "last_read_message_id": number;
          "left_at": string | null;
          "role": Database["public"]["Enums"]["chat_member_role"];
          "room_id": string;
          "user_id": string;
        };
        SetofOptions: {
          from: "*";
          to: "chat_room_members";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "leave_study_group": {
        Args: { "p_group_id": string };
        Returns: {
          "group_id": string;
          "joined_at": string;
          "left_at": string | null;
          "role": Database["public"]["Enums"]["study_group_role"];
          "user_id": string;
        };
        SetofOptions: {
          from: "*";
          to: "study_group_members";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "list_my_tutor_conversations": {
        Args: Record<PropertyKey, never>;
        Returns: {
          "academy_id": string;
          "created_at": string;
          "id": string;
          "last_message_at": string;
          "title": string;
          "updated_at": string;
          "user_id": string;
        }[];
        SetofOptions: {
          from: "*";
          to: "tutor_conversations";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      "list_room_messages": {
        Args: {
          "p_after"?: number;
          "p_before"?: number;
          "p_limit"?: number;
          "p_room_id": string;
        };
        Returns: {
          "attachment_mime": string | null;
          "attachment_name": string | null;
          "attachment_path": string | null;
          "attachment_size": number | null;
          "author_id": string | null;
          "body": string | null;
          "client_msg_id": string;
          "created_at": string;
          "deleted_at": string | null;
          "deleted_by": string | null;
          "edited_at": string | null;
          "id": number;
          "reply_to_id": number | null;
          "room_id": string;
          "thread_user_id": string | null;
        }[];
        SetofOptions: {
          from: "*";
          to: "chat_messages";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      "list_study_groups": {
        Args: {
          "p_academy_id"?: string;
          "p_limit"?: number;
          "p_offset"?: number;
          "p_query"?: string;
          "p_specialty"?: string;
        };
        Returns: Database["public"]["CompositeTypes"]["study_group_summary"][];
        SetofOptions: {
          from: "*";
          to: "study_group_summary";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      "mark_all_notifications_read": {
        Args: Record<PropertyKey, never>;
        Returns:
          Database["public"]["CompositeTypes"]["notifications_marked_read"];
        SetofOptions: {
          from: "*";
          to: "notifications_marked_read";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "mark_notifications_read": {
        Args: { "p_ids": (string)[] };
        Returns: {
          "academy_id": string | null;
          "action_url": string | null;
          "batch_count": number;
          "batch_key": string | null;
          "body": string;
          "created_at": string;
          "data": NonNullable<Json>;
          "id": string;
          "priority": Database["public"]["Enums"]["notification_priority"];
          "read_at": string | null;
          "title": string;
          "type": string;
          "updated_at": string;
          "user_id": string;
        }[];
        SetofOptions: {
          from: "*";
          to: "notifications";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      "mark_room_read": {
        Args: { "p_room_id": string; "p_up_to_message_id": number };
        Returns: {
          "joined_at": string;
          "last_read_message_id": number;
          "left_at": string | null;
          "role": Database["public"]["Enums"]["chat_member_role"];
          "room_id": string;
          "user_id": string;
        };
        SetofOptions: {
          from: "*";
          to: "chat_room_members";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "open_mentor_room": {
        Args: {
          "p_academy_id": string;
          "p_teacher_id": string;
          "p_title"?: string;
        };
        Returns: {
          "academy_id": string;
          "created_at": string;
          "created_by": string | null;
          "id": string;
          "kind": Database["public"]["Enums"]["chat_room_kind"];
          "mentor_id": string | null;
          "session_id": string | null;
          "study_group_id": string | null;
          "title": string;
        };
        SetofOptions: {
          from: "*";
          to: "chat_rooms";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "open_proctoring_room": {
        Args: { "p_session_id": string };
        Returns: {
          "academy_id": string;
          "created_at": string;
          "created_by": string | null;
          "id": string;
          "kind": Database["public"]["Enums"]["chat_room_kind"];
          "mentor_id": string | null;
          "session_id": string | null;
          "study_group_id": string | null;
          "title": string;
        };
        SetofOptions: {
          from: "*";
          to: "chat_rooms";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "pause_exam_session": {
        Args: { "p_session_id": string };
        Returns: {
          "academy_id": string;
          "auto_submit_at_end": boolean;
          "created_at": string;
          "deadline_at": string | null;
          "duration_seconds": number;
          "ended_at": string | null;
          "exam_id": string;
          "id": string;
          "join_code": string;
          "late_join_allowed": boolean;
          "mode": Database["public"]["Enums"]["attempt_mode"];
          "owner_id": string | null;
          "paused_at": string | null;
          "scheduled_start_at": string | null;
          "started_at": string | null;
          "status": Database["public"]["Enums"]["session_status"];
          "title": string;
          "updated_at": string;
        };
        SetofOptions: {
          from: "*";
          to: "exam_sessions";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "post_session_announcement": {
        Args: { "p_message": string; "p_session_id": string };
        Returns: {
          "author_id": string | null;
          "created_at": string;
          "id": number;
          "message": string;
          "session_id": string;
        };
        SetofOptions: {
          from: "*";
          to: "exam_session_announcements";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "remove_room_member": {
        Args: { "p_room_id": string; "p_user_id": string };
        Returns: {
          "joined_at": string;
          "last_read_message_id": number;
          "left_at": string | null;
          "role": Database["public"]["Enums"]["chat_member_role"];
          "room_id": string;
          "user_id": string;
        };
        SetofOptions: {
          from: "*";
          to: "chat_room_members";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "remove_session_participant": {
        Args: {
          "p_ban"?: boolean;
          "p_reason": string;
          "p_session_id": string;
          "p_user_id": string;
        };
        Returns: {
          "admitted_at": string | null;
          "attempt_id": string | null;
          "joined_at": string;
          "last_progress_at": string | null;
          "removal_reason": string | null;
          "removed_at": string | null;
          "session_id": string;
          "status": Database["public"]["Enums"]["participant_status"];
          "updated_at": string;
          "user_id": string;
        };
        SetofOptions: {
          from: "*";
          to: "exam_session_participants";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "remove_study_group_member": {
        Args: { "p_group_id": string; "p_user_id": string };
        Returns: {
          "group_id": string;
          "joined_at": string;
          "left_at": string | null;
          "role": Database["public"]["Enums"]["study_group_role"];
          "user_id": string;
        };
        SetofOptions: {
          from: "*";
          to: "study_group_members";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "rename_tutor_conversation": {
        Args: { "p_conversation_id": string; "p_title": string };
        Returns: {
          "academy_id": string;
          "created_at": string;
          "id": string;
          "last_message_at": string;
          "title": string;
          "updated_at": string;
          "user_id": string;
        };
        SetofOptions: {
          from: "*";
          to: "tutor_conversations";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "request_study_group_join": {
        Args: { "p_group_id": string };
        Returns: {
          "created_at": string;
          "decided_at": string | null;
          "decided_by": string | null;
          "group_id": string;
          "id": string;
          "invited_by": string | null;
          "kind": Database["public"]["Enums"]["study_group_request_kind"];
          "status": Database["public"]["Enums"]["study_group_request_status"];
          "user_id": string;
        };
        SetofOptions: {
          from: "*";
          to: "study_group_requests";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "respond_to_study_group_request": {
        Args: { "p_accept": boolean; "p_request_id": string };
        Returns: {
          "created_at": string;
          "decided_at": string | null;
          "decided_by": string | null;
          "group_id": string;
          "id": string;
          "invited_by": string | null;
          "kind": Database["public"]["Enums"]["study_group_request_kind"];
          "status": Database["public"]["Enums"]["study_group_request_status"];
          "user_id": string;
        };
        SetofOptions: {
          from: "*";
          to: "study_group_requests";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "resume_exam_session": {
        Args: { "p_session_id": string };
        Returns: {
          "academy_id": string;
          "auto_submit_at_end": boolean;
          "created_at": string;
          "deadline_at": string | null;
          "duration_seconds": number;
          "ended_at": string | null;
          "exam_id": string;
          "id": string;
          "join_code": string;
          "late_join_allowed": boolean;
          "mode": Database["public"]["Enums"]["attempt_mode"];
          "owner_id": string | null;
          "paused_at": string | null;
          "scheduled_start_at": string | null;
          "started_at": string | null;
          "status": Database["public"]["Enums"]["session_status"];
          "title": string;
          "updated_at": string;
        };
        SetofOptions: {
          from: "*";
          to: "exam_sessions";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "rotate_session_join_code": {
        Args: { "p_session_id": string };
        Returns: {
          "academy_id": string;
          "auto_submit_at_end": boolean;
          "created_at": string;
          "deadline_at": string | null;
          "duration_seconds": number;
          "ended_at": string | null;
          "exam_id": string;
          "id": string;
          "join_code": string;
          "late_join_allowed": boolean;
          "mode": Database["public"]["Enums"]["attempt_mode"];
          "owner_id": string | null;
          "paused_at": string | null;
          "scheduled_start_at": string | null;
          "started_at": string | null;
          "status": Database["public"]["Enums"]["session_status"];
          "title": string;
          "updated_at": string;
        };
        SetofOptions: {
          from: "*";
          to: "exam_sessions";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "search_room_messages": {
        Args: {
          "p_before"?: number;
          "p_limit"?: number;
          "p_query": string;
          "p_room_id": string;
        };
        Returns: {
          "attachment_mime": string | null;
          "attachment_name": string | null;
          "attachment_path": string | null;
          "attachment_size": number | null;
          "author_id": string | null;
          "body": string | null;
          "client_msg_id": string;
          "created_at": string;
          "deleted_at": string | null;
          "deleted_by": string | null;
          "edited_at": string | null;
          "id": number;
          "reply_to_id": number | null;
          "room_id": string;
          "thread_user_id": string | null;
        }[];
        SetofOptions: {
          from: "*";
          to: "chat_messages";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      "send_message": {
        Args: {
          "p_attachment"?:
            Database["public"]["CompositeTypes"]["chat_attachment"];
          "p_body": string;
          "p_client_msg_id": string;
          "p_reply_to_id"?: number;
          "p_room_id": string;
        };
        Returns: {
          "attachment_mime": string | null;
          "attachment_name": string | null;
          "attachment_path": string | null;
          "attachment_size": number | null;
          "author_id": string | null;
          "body": string | null;
          "client_msg_id": string;
          "created_at": string;
          "deleted_at": string | null;
          "deleted_by": string | null;
          "edited_at": string | null;
          "id": number;
          "reply_to_id": number | null;
          "room_id": string;
          "thread_user_id": string | null;
        };
        SetofOptions: {
          from: "*";
          to: "chat_messages";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "send_notification": {
        Args: {
          "p_action_url"?: string;
          "p_audience": Database["public"]["Enums"]["notification_audience"];
          "p_body"?: string;
          "p_data"?: Json;
          "p_priority"?: Database["public"]["Enums"]["notification_priority"];
          "p_target_id": string;
          "p_title": string;
        };
        Returns: {
          "academy_id": string;
          "audience": Database["public"]["Enums"]["notification_audience"];
          "created_at": string;
          "id": string;
          "priority": Database["public"]["Enums"]["notification_priority"];
          "recipient_count": number;
          "sender_id": string | null;
          "target_id": string;
          "title": string;
        };
        SetofOptions: {
          from: "*";
          to: "notification_sends";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "send_typing": { Args: { "p_room_id": string }; Returns: boolean };
      "set_question_explanation": {
        Args: { "p_explanation": string; "p_question_id": string };
        Returns: Database["public"]["CompositeTypes"]["question_explanation"];
        SetofOptions: {
          from: "*";
          to: "question_explanation";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "set_question_key": {
        Args: {
          "p_accepted_texts"?: (string)[];
          "p_case_sensitive"?: boolean;
          "p_correct"?: Json;
          "p_question_id": string;
          "p_tolerance"?: number;
        };
        Returns: Database["public"]["CompositeTypes"]["question_key"];
        SetofOptions: {
          from: "*";
          to: "question_key";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "set_study_group_role": {
        Args: {
          "p_group_id": string;
          "p_role": Database["public"]["Enums"]["study_group_role"];
          "p_user_id": string;
        };
        Returns: {
          "group_id": string;
          "joined_at": string;
          "left_at": string | null;
          "role": Database["public"]["Enums"]["study_group_role"];
          "user_id": string;
        };
        SetofOptions: {
          from: "*";
          to: "study_group_members";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "start_attempt": {
        Args: {
          "p_exam_id": string;
          "p_mode"?: Database["public"]["Enums"]["attempt_mode"];
        };
        Returns: {
          "academy_id": string;
          "attempt_number": number;
          "client_remaining_ms": number | null;
          "client_remaining_reported_at": string | null;
          "conflict_strategy": Database["public"]["Enums"]["conflict_strategy"];
          "created_at": string;
          "current_question_id": string | null;
          "deadline_at": string;
          "exam_id": string;
          "expiry_policy": Database["public"]["Enums"]["exam_expiry_policy"];
          "extension_seconds": number;
          "finished_at": string | null;
          "graded_at": string | null;
          "grading_status": Database["public"]["Enums"]["grading_status"];
          "id": string;
          "last_activity_at": string;
          "max_score": number | null;
          "mode": Database["public"]["Enums"]["attempt_mode"];
          "paused_at": string | null;
          "position_client_id": string | null;
          "position_seq": number | null;
          "score": number | null;
          "session_id": string | null;
          "started_at": string;
          "status": Database["public"]["Enums"]["attempt_status"];
          "updated_at": string;
          "user_id": string;
        };
        SetofOptions: {
          from: "*";
          to: "exam_attempts";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "submit_attempt": {
        Args: { "p_attempt_id": string };
        Returns: {
          "academy_id": string;
          "attempt_number": number;
          "client_remaining_ms": number | null;
          "client_remaining_reported_at": string | null;
          "conflict_strategy": Database["public"]["Enums"]["conflict_strategy"];
          "created_at": string;
          "current_question_id": string | null;
          "deadline_at": string;
          "exam_id": string;
          "expiry_policy": Database["public"]["Enums"]["exam_expiry_policy"];
          "extension_seconds": number;
          "finished_at": string | null;
          "graded_at": string | null;
          "grading_status": Database["public"]["Enums"]["grading_status"];
          "id": string;
          "last_activity_at": string;
          "max_score": number | null;
          "mode": Database["public"]["Enums"]["attempt_mode"];
          "paused_at": string | null;
          "position_client_id": string | null;
          "position_seq": number | null;
          "score": number | null;
          "session_id": string | null;
          "started_at": string;
          "status": Database["public"]["Enums"]["attempt_status"];
          "updated_at": string;
          "user_id": string;
        };
        SetofOptions: {
          from: "*";
          to: "exam_attempts";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "update_attempt_heartbeat": {
        Args: { "p_attempt_id": string; "p_client_id": string };
        Returns: Database["public"]["CompositeTypes"]["attempt_heartbeat"];
        SetofOptions: {
          from: "*";
          to: "attempt_heartbeat";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "update_flagged_questions": {
        Args: {
          "p_attempt_id": string;
          "p_flagged": boolean;
          "p_question_id": string;
        };
        Returns: {
          "attempt_id": string;
          "client_id": string | null;
          "client_seq": number | null;
          "flagged": boolean;
          "question_id": string;
          "updated_at": string;
        };
        SetofOptions: {
          from: "*";
          to: "attempt_flags";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "update_presence": {
        Args: { "p_status"?: Database["public"]["Enums"]["presence_status"] };
        Returns: {
          "last_seen_at": string;
          "status": Database["public"]["Enums"]["presence_status"];
          "updated_at": string;
          "user_id": string;
        };
        SetofOptions: {
          from: "*";
          to: "user_presence";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "update_section_state": {
        Args: {
          "p_attempt_id": string;
          "p_section_id": string;
          "p_state":
            Database["public"]["CompositeTypes"]["section_state_change"];
        };
        Returns: {
          "attempt_id": string;
          "completed_at": string | null;
          "current_question_id": string | null;
          "deadline_at": string | null;
          "section_id": string;
          "started_at": string | null;
          "status": Database["public"]["Enums"]["section_status"];
          "time_used_ms": number;
          "updated_at": string;
        };
        SetofOptions: {
          from: "*";
          to: "attempt_section_states";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "update_timer_state": {
        Args: { "p_attempt_id": string; "p_client_remaining_ms": number };
        Returns: Database["public"]["CompositeTypes"]["attempt_timer"];
        SetofOptions: {
          from: "*";
          to: "attempt_timer";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
    };
    Enums: {
      "academy_role": "student" | "teacher" | "admin";
      "answer_history_source":
        | "save"
        | "conflict_loser"
        | "resolution"
        | "system";
      "attempt_mode": "diagnostic" | "practice" | "drill";
      "attempt_op_resolution": "local" | "server";
      "attempt_op_status": "applied" | "duplicate" | "conflict" | "rejected";
      "attempt_status":
        | "in_progress"
        | "overdue"
        | "submitted"
        | "expired"
        | "abandoned";
      "chat_member_role": "member" | "moderator";
      "chat_room_kind": "mentor" | "study_group" | "proctoring" | "academy";
      "conflict_resolution_choice": "server" | "local" | "custom";
      "conflict_strategy": "merge" | "local" | "server";
      "exam_expiry_policy": "autosubmit" | "grace_then_submit" | "abandon";
      "exam_navigation": "free" | "sequential";
      "grading_status": "ungraded" | "pending_review" | "graded";
      "leaderboard_period": "week" | "month" | "all_time";
      "notification_audience":
        | "student"
        | "session"
        | "academy"
        | "study_group";
      "notification_priority": "low" | "normal" | "high" | "urgent";
      "participant_status":
        | "waiting"
        | "admitted"
        | "active"
        | "submitted"
        | "removed"
        | "banned";
      "presence_status": "online" | "away" | "offline";
      "question_type":
        | "single_choice"
        | "multiple_choice"
        | "true_false"
        | "numeric"
        | "short_text"
        | "essay";
      "section_status": "not_started" | "in_progress" | "completed";
      "session_status": "scheduled" | "lobby" | "active" | "paused" | "ended";
      "study_group_request_kind": "request" | "invitation";
      "study_group_request_status": "pending" | "accepted" | "declined";
      "study_group_role": "owner" | "moderator" | "member";
      "tutor_message_role": "user" | "assistant";
      "tutor_message_status": "complete" | "aborted" | "error" | "refused";
    };
    CompositeTypes: {
      "academy_tutor_usage": {
        "user_id": string | null;
        "display_name": string | null;
        "requests": number | null;
        "tokens_used": number | null;
        "tokens_reserved": number | null;
        "last_day": string | null;
      };
      "active_attempt": {
        "attempt_id": string | null;
        "exam_id": string | null;
        "exam_title": string | null;
        "mode": Database["public"]["Enums"]["attempt_mode"] | null;
        "status": Database["public"]["Enums"]["attempt_status"] | null;
        "started_at": string | null;
        "deadline_at": string | null;
        "remaining_ms": number | null;
        "answered_count": number | null;
        "question_count": number | null;
        "current_question_id": string | null;
        "server_now": string | null;
      };
      "attempt_connection": {
        "client_id": string | null;
        "connected_at": string | null;
        "last_heartbeat_at": string | null;
        "is_live": boolean | null;
      };
      "attempt_heartbeat": {
        "attempt_id": string | null;
        "status": Database["public"]["Enums"]["attempt_status"] | null;
        "server_now": string | null;
        "deadline_at": string | null;
        "remaining_ms": number | null;
        "live_connections": number | null;
        "collision_detected": boolean | null;
      };
      "attempt_op_result": {
        "op_id": string | null;
        "status": Database["public"]["Enums"]["attempt_op_status"] | null;
        "first_status": Database["public"]["Enums"]["attempt_op_status"] | null;
        "question_id": string | null;
        "section_id": string | null;
        "version": number | null;
        "superseded": boolean | null;
        "flagged": boolean | null;
        "resolution":
          | Database["public"]["Enums"]["attempt_op_resolution"]
          | null;
        "server_value": Json | null;
        "server_version": number | null;
        "conflict_id": string | null;
        "code": string | null;
      };
      "attempt_ops_outcome": {
        "results": Json | null;
        "status": Database["public"]["Enums"]["attempt_status"] | null;
        "server_now": string | null;
        "deadline_at": string | null;
        "remaining_ms": number | null;
      };
      "attempt_ops_result": {
        "results":
          | (Database["public"]["CompositeTypes"]["attempt_op_result"])[]
          | null;
        "status": Database["public"]["Enums"]["attempt_status"] | null;
        "server_now": string | null;
        "deadline_at": string | null;
        "remaining_ms": number | null;
      };
      "attempt_state": {
        "attempt":
          | Database["public"]["CompositeTypes"]["attempt_state_attempt"]
          | null;
        "exam":
          | Database["public"]["CompositeTypes"]["attempt_state_exam"]
          | null;
        "sections":
          | (Database["public"]["CompositeTypes"]["attempt_state_section"])[]
          | null;
        "questions":
          | (Database["public"]["CompositeTypes"]["attempt_state_question"])[]
          | null;
        "answers":
          | (Database["public"]["CompositeTypes"]["attempt_state_answer"])[]
          | null;
        "flags": (string)[] | null;
        "open_conflicts":
          | (Database["public"]["CompositeTypes"]["attempt_state_conflict"])[]
          | null;
        "server_now": string | null;
        "remaining_ms": number | null;
        "last_event_id": number | null;
      };
      "attempt_state_answer": {
        "question_id": string | null;
        "value": Json | null;
        "version": number | null;
        "updated_at": string | null;
        "is_correct": boolean | null;
        "points_awarded": number | null;
      };
      "attempt_state_attempt": {
        "id": string | null;
        "exam_id": string | null;
        "user_id": string | null;
        "attempt_number": number | null;
        "mode": Database["public"]["Enums"]["attempt_mode"] | null;
        "status": Database["public"]["Enums"]["attempt_status"] | null;
        "conflict_strategy":
          | Database["public"]["Enums"]["conflict_strategy"]
          | null;
        "started_at": string | null;
        "deadline_at": string | null;
        "paused_at": string | null;
        "finished_at": string | null;
        "current_question_id": string | null;
        "score": number | null;
        "max_score": number | null;
        "grading_status": Database["public"]["Enums"]["grading_status"] | null;
      };
      "attempt_state_conflict": {
        "id": string | null;
        "question_id": string | null;
        "local_value": Json | null;
        "base_version": number | null;
        "server_value": Json | null;
        "server_version": number | null;
        "created_at": string | null;
      };
      "attempt_state_exam": {
        "id": string | null;
        "title": string | null;
        "description": string | null;
        "navigation": Database["public"]["Enums"]["exam_navigation"] | null;
        "duration_seconds": number | null;
        "grace_period_seconds": number | null;
        "expiry_policy":
          | Database["public"]["Enums"]["exam_expiry_policy"]
          | null;
      };
      "attempt_state_question": {
        "id": string | null;
        "section_id": string | null;
        "position": number | null;
        "type": Database["public"]["Enums"]["question_type"] | null;
        "prompt": string | null;
        "options": Json | null;
        "points": number | null;
      };
      "attempt_state_section": {
        "id": string | null;
        "position": number | null;
        "title": string | null;
        "time_limit_seconds": number | null;
        "sub_skill": string | null;
        "status": Database["public"]["Enums"]["section_status"] | null;
        "current_question_id": string | null;
        "time_used_ms": number | null;
        "started_at": string | null;
        "deadline_at": string | null;
        "completed_at": string | null;
      };
      "attempt_sync_status": {
        "attempt_id": string | null;
        "status": Database["public"]["Enums"]["attempt_status"] | null;
        "server_now": string | null;
        "deadline_at": string | null;
        "remaining_ms": number | null;
        "answered_count": number | null;
        "last_saved_at": string | null;
        "open_conflicts": number | null;
        "ops_applied": number | null;
        "live_connections": number | null;
        "collision_detected": boolean | null;
        "last_event_id": number | null;
      };
      "attempt_timer": {
        "attempt_id": string | null;
        "status": Database["public"]["Enums"]["attempt_status"] | null;
        "server_now": string | null;
        "deadline_at": string | null;
        "remaining_ms": number | null;
      };
      "chat_attachment": {
        "object_path": string | null;
        "name": string | null;
        "size_bytes": number | null;
        "mime_type": string | null;
      };
      "chat_room_member_status": {
        "user_id": string | null;
        "display_name": string | null;
        "avatar_url": string | null;
        "role": Database["public"]["Enums"]["chat_member_role"] | null;
        "joined_at": string | null;
        "last_read_message_id": number | null;
        "status": Database["public"]["Enums"]["presence_status"] | null;
        "last_seen_at": string | null;
      };
      "chat_room_summary": {
        "room_id": string | null;
        "academy_id": string | null;
        "kind": Database["public"]["Enums"]["chat_room_kind"] | null;
        "title": string | null;
        "session_id": string | null;
        "is_moderator": boolean | null;
        "can_post": boolean | null;
        "last_read_message_id": number | null;
        "last_message_id": number | null;
        "last_message_at": string | null;
        "last_message_author_id": string | null;
        "last_message_body": string | null;
        "unread_count": number | null;
        "total_unread": number | null;
      };
      "conflict_resolution": {
        "conflict_id": string | null;
        "resolution":
          | Database["public"]["Enums"]["conflict_resolution_choice"]
          | null;
        "value": Json | null;
      };
      "leaderboard_rank": {
        "academy_id": string | null;
        "period": Database["public"]["Enums"]["leaderboard_period"] | null;
        "period_start": string | null;
        "specialty": string | null;
        "rank": number | null;
        "points": number | null;
        "exams_counted": number | null;
        "gap_to_next": number | null;
        "hidden": boolean | null;
        "ranked": number | null;
      };
      "my_progress": {
        "academy_id": string | null;
        "user_id": string | null;
        "current_streak": number | null;
        "longest_streak": number | null;
        "last_active_on": string | null;
        "skills":
          | (Database["public"]["CompositeTypes"]["skill_progress"])[]
          | null;
        "positions":
          | (Database["public"]["CompositeTypes"]["leaderboard_rank"])[]
          | null;
      };
      "notification_unread_counts": {
        "total": number | null;
        "low": number | null;
        "normal": number | null;
        "high": number | null;
        "urgent": number | null;
      };
      "notifications_marked_read": {
        "marked": number | null;
        "read_at": string | null;
        "unread_total": number | null;
      };
      "question_explanation": {
        "question_id": string | null;
        "explanation": string | null;
      };
      "question_key": {
        "question_id": string | null;
        "correct": Json | null;
        "tolerance": number | null;
        "accepted_texts": (string)[] | null;
        "case_sensitive": boolean | null;
      };
      "realtime_performance_metrics": {
        "window_minutes": number | null;
        "batches": number | null;
        "saves_per_minute": number | null;
        "apply_ms_p50": number | null;
        "apply_ms_p95": number | null;
        "conflicts": number | null;
        "rejected_ops": number | null;
        "errors": number | null;
        "active_connections": number | null;
      };
      "section_state_change": {
        "status": Database["public"]["Enums"]["section_status"] | null;
        "time_used_ms": number | null;
      };
      "session_dashboard": {
        "session":
          | Database["public"]["CompositeTypes"]["session_dashboard_session"]
          | null;
        "participants":
          | (Database["public"]["CompositeTypes"][
            "session_dashboard_participant"
          ])[]
          | null;
        "totals":
          | Database["public"]["CompositeTypes"]["session_dashboard_totals"]
          | null;
        "server_now": string | null;
        "last_event_id": number | null;
      };
      "session_dashboard_participant": {
        "user_id": string | null;
        "display_name": string | null;
        "status": Database["public"]["Enums"]["participant_status"] | null;
        "joined_at": string | null;
        "removal_reason": string | null;
        "attempt_id": string | null;
        "attempt_status": Database["public"]["Enums"]["attempt_status"] | null;
        "connected_devices": number | null;
        "last_heartbeat_at": string | null;
        "answered": number | null;
        "total": number | null;
        "flagged": number | null;
        "current_question_id": string | null;
        "remaining_ms": number | null;
        "extension_seconds": number | null;
        "score": number | null;
        "max_score": number | null;
        "grading_status": Database["public"]["Enums"]["grading_status"] | null;
      };
      "session_dashboard_session": {
        "id": string | null;
        "exam_id": string | null;
        "title": string | null;
        "status": Database["public"]["Enums"]["session_status"] | null;
        "join_code": string | null;
        "started_at": string | null;
        "deadline_at": string | null;
        "paused_at": string | null;
        "ended_at": string | null;
        "remaining_ms": number | null;
      };
      "session_dashboard_totals": {
        "joined": number | null;
        "waiting": number | null;
        "active": number | null;
        "submitted": number | null;
        "removed": number | null;
        "disconnected": number | null;
      };
      "skill_progress": {
        "specialty": string | null;
        "sub_skill": string | null;
        "attempts": number | null;
        "best_percent": number | null;
        "latest_percent": number | null;
        "latest_at": string | null;
        "mastery_percent": number | null;
        "questions_answered": number | null;
        "questions_correct": number | null;
      };
      "study_group_summary": {
        "group_id": string | null;
        "academy_id": string | null;
        "name": string | null;
        "description": string | null;
        "specialty": string | null;
        "is_public": boolean | null;
        "member_limit": number | null;
        "member_count": number | null;
        "owner_id": string | null;
        "room_id": string | null;
        "created_at": string | null;
        "archived_at": string | null;
        "my_role": Database["public"]["Enums"]["study_group_role"] | null;
        "can_moderate": boolean | null;
        "can_join": boolean | null;
        "can_request": boolean | null;
        "pending_kind":
          | Database["public"]["Enums"]["study_group_request_kind"]
          | null;
      };
      "tutor_usage": {
        "academy_id": string | null;
        "requests_this_minute": number | null;
        "tokens_used_today": number | null;
        "tokens_reserved_today": number | null;
        "user_tokens_per_day": number | null;
        "tokens_left_today": number | null;
        "academy_tokens_this_month": number | null;
        "academy_tokens_per_month": number | null;
        "academy_tokens_left_this_month": number | null;
      };
    };
  };
};

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">;

type DefaultSchema =
  DatabaseWithoutInternals[Extract<keyof Database, "public">];

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  } ? keyof (
      & DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]][
        "Tables"
      ]
      & DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]][
        "Views"
      ]
    )
    : never = never,
> = DefaultSchemaTableNameOrOptions extends
  { schema: keyof DatabaseWithoutInternals } ? (
    & DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]][
      "Tables"
    ]
    & DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]][
      "Views"
    ]
  )[TableName] extends {
    Row: infer R;
  } ? R
  : never
  : DefaultSchemaTableNameOrOptions extends
    keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] & DefaultSchema["Views"])[
      DefaultSchemaTableNameOrOptions
    ] extends {
      Row: infer R;
    } ? R
    : never
  : never;

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]][
      "Tables"
    ]
    : never = never,
> = DefaultSchemaTableNameOrOptions extends
  { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]][
    "Tables"
  ][TableName] extends {
    Insert: infer I;
  } ? I
  : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
      Insert: infer I;
    } ? I
    : never
  : never;

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]][
      "Tables"
    ]
    : never = never,
> = DefaultSchemaTableNameOrOptions extends
  { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]][
    "Tables"
  ][TableName] extends {
    Update: infer U;
  } ? U
  : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
      Update: infer U;
    } ? U
    : never
  : never;

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]][
      "Enums"
    ]
    : never = never,
> = DefaultSchemaEnumNameOrOptions extends
  { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][
    EnumName
  ]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
  : never;

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  }
    ? keyof DatabaseWithoutInternals[
      PublicCompositeTypeNameOrOptions["schema"]
    ]["CompositeTypes"]
    : never = never,
> = PublicCompositeTypeNameOrOptions extends
  { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]][
    "CompositeTypes"
  ][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends
    keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
  : never;

export const Constants = {
  "public": {
    Enums: {
      "academy_role": ["student", "teacher", "admin"],
      "answer_history_source": [
        "save",
        "conflict_loser",
        "resolution",
        "system",
      ],
      "attempt_mode": ["diagnostic", "practice", "drill"],
      "attempt_op_resolution": ["local", "server"],
      "attempt_op_status": ["applied", "duplicate", "conflict", "rejected"],
      "attempt_status": [
        "in_progress",
        "overdue",
        "submitted",
        "expired",
        "abandoned",
      ],
      "chat_member_role": ["member", "moderator"],
      "chat_room_kind": ["mentor", "study_group", "proctoring", "academy"],
      "conflict_resolution_choice": ["server", "local", "custom"],
      "conflict_strategy": ["merge", "local", "server"],
      "exam_expiry_policy": ["autosubmit", "grace_then_submit", "abandon"],
      "exam_navigation": ["free", "sequential"],
      "grading_status": ["ungraded", "pending_review", "graded"],
      "leaderboard_period": ["week", "month", "all_time"],
      "notification_audience": ["student", "session", "academy", "study_group"],
      "notification_priority": ["low", "normal", "high", "urgent"],
      "participant_status": [
        "waiting",
        "admitted",
        "active",
        "submitted",
        "removed",
        "banned",
      ],
      "presence_status": ["online", "away", "offline"],
      "question_type": [
        "single_choice",
        "multiple_choice",
        "true_false",
        "numeric",
        "short_text",
        "essay",
      ],
      "section_status": ["not_started", "in_progress", "completed"],
      "session_status": ["scheduled", "lobby", "active", "paused", "ended"],
      "study_group_request_kind": ["request", "invitation"],
      "study_group_request_status": ["pending", "accepted", "declined"],
      "study_group_role": ["owner", "moderator", "member"],
      "tutor_message_role": ["user", "assistant"],
      "tutor_message_status": ["complete", "aborted", "error", "refused"],
    },
  },
} as const;

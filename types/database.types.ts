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
        };
        ComputedFields: never;
        Insert: {
          "created_at"?: string;
          "id"?: string;
          "name": string;
          "slug": string;
        };
        Update: {
          "created_at"?: string;
          "id"?: string;
          "name"?: string;
          "slug"?: string;
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
          "max_attempts": number | null;
          "navigation": Database["public"]["Enums"]["exam_navigation"];
          "published": boolean;
          "specialty": string | null;
          "title": string;
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
          "max_attempts"?: number | null;
          "navigation"?: Database["public"]["Enums"]["exam_navigation"];
          "published"?: boolean;
          "specialty"?: string | null;
          "title": string;
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
          "max_attempts"?: number | null;
          "navigation"?: Database["public"]["Enums"]["exam_navigation"];
          "published"?: boolean;
          "specialty"?: string | null;
          "title"?: string;
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
          "id": string;
          "specialty": string | null;
          "updated_at": string;
        };
        ComputedFields: never;
        Insert: {
          "avatar_url"?: string | null;
          "created_at"?: string;
          "display_name"?: string;
          "id": string;
          "specialty"?: string | null;
          "updated_at"?: string;
        };
        Update: {
          "avatar_url"?: string | null;
          "created_at"?: string;
          "display_name"?: string;
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
        Returns: Database["public"]["CompositeTypes"]["attempt_ops_outcome"];
        SetofOptions: {
          from: "*";
          to: "attempt_ops_outcome";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "batch_resolve_attempt_conflicts": {
        Args: { "p_resolutions": Json };
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
      "get_attempt_state": { Args: { "p_attempt_id": string }; Returns: Json };
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
      "start_attempt": {
        Args: { "p_exam_id": string; "p_mode"?: string };
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
      "update_section_state": {
        Args: {
          "p_attempt_id": string;
          "p_section_id": string;
          "p_state": Json;
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
      "attempt_status":
        | "in_progress"
        | "overdue"
        | "submitted"
        | "expired"
        | "abandoned";
      "conflict_strategy": "merge" | "local" | "server";
      "exam_expiry_policy": "autosubmit" | "grace_then_submit" | "abandon";
      "exam_navigation": "free" | "sequential";
      "grading_status": "ungraded" | "pending_review" | "graded";
      "participant_status":
        | "waiting"
        | "admitted"
        | "active"
        | "submitted"
        | "removed"
        | "banned";
      "question_type":
        | "single_choice"
        | "multiple_choice"
        | "true_false"
        | "numeric"
        | "short_text"
        | "essay";
      "section_status": "not_started" | "in_progress" | "completed";
      "session_status": "scheduled" | "lobby" | "active" | "paused" | "ended";
    };
    CompositeTypes: {
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
      "attempt_ops_outcome": {
        "results": Json | null;
        "status": Database["public"]["Enums"]["attempt_status"] | null;
        "server_now": string | null;
        "deadline_at": string | null;
        "remaining_ms": number | null;
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
      "attempt_status": [
        "in_progress",
        "overdue",
        "submitted",
        "expired",
        "abandoned",
      ],
      "conflict_strategy": ["merge", "local", "server"],
      "exam_expiry_policy": ["autosubmit", "grace_then_submit", "abandon"],
      "exam_navigation": ["free", "sequential"],
      "grading_status": ["ungraded", "pending_review", "graded"],
      "participant_status": [
        "waiting",
        "admitted",
        "active",
        "submitted",
        "removed",
        "banned",
      ],
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
    },
  },
} as const;

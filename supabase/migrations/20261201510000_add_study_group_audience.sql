-- Study groups join the audiences of send_notification (issue 12). An enum value is
-- usable only once committed, so it comes in a migration of its own, before
-- 20261201520000 teaches send_notification the new branch.

alter type public.notification_audience add value if not exists 'study_group';
comment on type public.notification_audience is
  'Who a teacher''s or admin''s send reaches: one student, a live session''s participants, every member of the academy, or a study group''s members.';

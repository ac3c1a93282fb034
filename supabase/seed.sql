-- Demo data for local development: one academy with an admin, a teacher, two students
-- and an exam, and a second academy whose admin must see none of it. Every user signs in
-- with the password "password" (GoTrue's bcrypt) on a hosted project; locally,
-- `npm run dev` prints ready-made access tokens for them.

insert into auth.users (id, instance_id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select u.id, '00000000-0000-0000-0000-000000000000', 'authenticated', 'authenticated', u.email,
  extensions.crypt('password', extensions.gen_salt('bf')), now(),
  '{"provider": "email", "providers": ["email"]}', jsonb_build_object('display_name', u.display_name),
  now(), now()
from (values
  ('a0000000-0000-4000-8000-000000000001'::uuid, 'admin@northwind.test', 'Ada Admin'),
  ('a0000000-0000-4000-8000-000000000002'::uuid, 'teacher@northwind.test', 'Tomas Teacher'),
  ('a0000000-0000-4000-8000-000000000003'::uuid, 'student1@northwind.test', 'Sara Student'),
  ('a0000000-0000-4000-8000-000000000004'::uuid, 'student2@northwind.test', 'Sam Student'),
  ('b0000000-0000-4000-8000-000000000001'::uuid, 'teacher@southgate.test', 'Olga Outsider')
) as u (id, email, display_name)
on conflict (id) do nothing;

update public.profiles set specialty = 'medicine'
where id in ('a0000000-0000-4000-8000-000000000003', 'a0000000-0000-4000-8000-000000000004');

insert into public.academies (id, name, slug) values
  ('00000000-0000-4000-8000-00000000a001', 'Northwind Academy', 'northwind'),
  ('00000000-0000-4000-8000-00000000b001', 'Southgate College', 'southgate')
on conflict (id) do nothing;

insert into public.academy_members (academy_id, user_id, role) values
  ('00000000-0000-4000-8000-00000000a001', 'a0000000-0000-4000-8000-000000000001', 'admin'),
  ('00000000-0000-4000-8000-00000000a001', 'a0000000-0000-4000-8000-000000000002', 'teacher'),
  ('00000000-0000-4000-8000-00000000a001', 'a0000000-0000-4000-8000-000000000003', 'student'),
  ('00000000-0000-4000-8000-00000000a001', 'a0000000-0000-4000-8000-000000000004', 'student'),
  ('00000000-0000-4000-8000-00000000b001', 'b0000000-0000-4000-8000-000000000001', 'admin')
on conflict do nothing;

-- A published 30-minute demo exam of Northwind with two sections and every question type,
-- open to unlimited attempts so a developer can start it again and again.
insert into public.exams (id, academy_id, title, description, specialty, published, duration_seconds,
  grace_period_seconds, expiry_policy, navigation, max_attempts, conflict_strategy, created_by)
values ('00000000-0000-4000-8000-0000000e0001', '00000000-0000-4000-8000-00000000a001',
  'Foundations of Physiology', 'A demo exam with every question type.', 'medicine', true, 1800, 60,
  'autosubmit', 'free', null, 'merge', 'a0000000-0000-4000-8000-000000000002')
on conflict (id) do nothing;

insert into public.exam_sections (id, exam_id, position, title, time_limit_seconds, sub_skill) values
  ('00000000-0000-4000-8000-0000000e5001', '00000000-0000-4000-8000-0000000e0001', 0, 'Cardiology', null, 'cardiology'),
  ('00000000-0000-4000-8000-0000000e5002', '00000000-0000-4000-8000-0000000e0001', 1, 'Renal physiology', 900, 'renal')
on conflict (id) do nothing;

insert into public.questions (id, exam_id, section_id, position, type, prompt, options, points) values
  ('00000000-0000-4000-8000-0000000e9001', '00000000-0000-4000-8000-0000000e0001', '00000000-0000-4000-8000-0000000e5001', 0,
   'single_choice', 'Which chamber pumps blood into the aorta?',
   '[{"id": "a", "text": "Right atrium"}, {"id": "b", "text": "Left ventricle"}, {"id": "c", "text": "Right ventricle"}]', 1),
  ('00000000-0000-4000-8000-0000000e9002', '00000000-0000-4000-8000-0000000e0001', '00000000-0000-4000-8000-0000000e5001', 1,
   'multiple_choice', 'Which of these are heart valves?',
   '[{"id": "a", "text": "Mitral"}, {"id": "b", "text": "Pyloric"}, {"id": "c", "text": "Aortic"}]', 2),
  ('00000000-0000-4000-8000-0000000e9003', '00000000-0000-4000-8000-0000000e0001', '00000000-0000-4000-8000-0000000e5001', 2,
   'true_false', 'The sinoatrial node is the heart''s natural pacemaker.', '[]', 1),
  ('00000000-0000-4000-8000-0000000e9004', '00000000-0000-4000-8000-0000000e0001', '00000000-0000-4000-8000-0000000e5002', 0,
   'numeric', 'Normal glomerular filtration rate in mL/min (approximately)?', '[]', 1),
  ('00000000-0000-4000-8000-0000000e9005', '00000000-0000-4000-8000-0000000e0001', '00000000-0000-4000-8000-0000000e5002', 1,
   'short_text', 'Name the functional unit of the kidney.', '[]', 1),
  ('00000000-0000-4000-8000-0000000e9006', '00000000-0000-4000-8000-0000000e0001', '00000000-0000-4000-8000-0000000e5002', 2,
   'essay', 'Explain how the kidney concentrates urine.', '[]', 5)
on conflict (id) do nothing;

insert into private.question_keys (question_id, correct, tolerance, accepted_texts) values
  ('00000000-0000-4000-8000-0000000e9001', '"b"', null, null),
  ('00000000-0000-4000-8000-0000000e9002', '["a", "c"]', null, null),
  ('00000000-0000-4000-8000-0000000e9003', 'true', null, null),
  ('00000000-0000-4000-8000-0000000e9004', '125', 10, null),
  ('00000000-0000-4000-8000-0000000e9005', null, null, '{nephron}')
on conflict (question_id) do nothing;

-- Chat for the demo pages, written through the RPCs as the users themselves: Northwind's
-- announcement room with a welcome from Ada, and Sara's mentor room with Tomas.
begin;
set local role authenticated;
select from set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000001", "role": "authenticated"}', true);
select from public.send_message(
  (select r.id from public.create_academy_room('00000000-0000-4000-8000-00000000a001', 'Northwind announcements') as r),
  'Welcome to Northwind! Exams and live sessions are announced here.', '5eed0000-0000-4000-8000-000000000001');
select from set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000003", "role": "authenticated"}', true);
select from set_config('seed.mentor_room', (select r.id::text from public.open_mentor_room(
  '00000000-0000-4000-8000-00000000a001', 'a0000000-0000-4000-8000-000000000002') as r), true);
select from public.send_message(current_setting('seed.mentor_room')::uuid,
  'Hi Tomas, could we go over the renal physiology questions?', '5eed0000-0000-4000-8000-000000000002');
select from set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000002", "role": "authenticated"}', true);
select from public.send_message(current_setting('seed.mentor_room')::uuid,
  'Of course, Sara. Start with the practice exam and ask me about anything that surprises you.',
  '5eed0000-0000-4000-8000-000000000003');
commit;

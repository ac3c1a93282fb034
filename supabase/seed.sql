-- Demo data for local development: one academy with an admin, a teacher and two
-- students, and a second academy whose teacher must see none of it. Every user signs in
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

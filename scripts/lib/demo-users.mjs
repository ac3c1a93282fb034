// The users of supabase/seed.sql, for printing tokens and for end-to-end tests.
export const DEMO_ACADEMY_ID = '00000000-0000-4000-8000-00000000a001';

export const DEMO_USERS = [
  { key: 'admin', id: 'a0000000-0000-4000-8000-000000000001', email: 'admin@northwind.test' },
  { key: 'teacher', id: 'a0000000-0000-4000-8000-000000000002', email: 'teacher@northwind.test' },
  { key: 'student1', id: 'a0000000-0000-4000-8000-000000000003', email: 'student1@northwind.test' },
  { key: 'student2', id: 'a0000000-0000-4000-8000-000000000004', email: 'student2@northwind.test' },
  { key: 'outsider', id: 'b0000000-0000-4000-8000-000000000001', email: 'teacher@southgate.test' },
];

/** The demo exam of supabase/seed.sql (published, unlimited attempts). */
export const DEMO_EXAM_ID = '00000000-0000-4000-8000-0000000e0001';

/** Every demo user's password. */
export const DEMO_PASSWORD = 'password';

-- pgbench: one student's batch of 10 answers through apply_attempt_ops, called as that
-- student exactly as PostgREST would (role and JWT claims set for the transaction).
\set n random(1, :students)
BEGIN;
SELECT set_config('request.jwt.claims', claims, true), set_config('role', 'authenticated', true) FROM bench.students WHERE n = :n;
SELECT status FROM public.apply_attempt_ops((SELECT attempt_id FROM bench.students WHERE n = :n), bench.answer_ops(10), 'bench-' || :n);
END;

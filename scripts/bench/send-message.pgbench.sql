-- pgbench: one member of the bench room sends a message through send_message, called as
-- that member exactly as PostgREST would (role and JWT claims set for the transaction).
-- The sender's rate-limit counter is reset first (as the owner) so the run measures
-- send_message, counter included, rather than the 60-a-minute limit.
\set n random(1, :members)
BEGIN;
DELETE FROM private.rate_limits WHERE key = (SELECT 'chat-send:' || user_id FROM bench.students WHERE n = :n);
SELECT set_config('request.jwt.claims', claims, true), set_config('role', 'authenticated', true) FROM bench.students WHERE n = :n;
SELECT id FROM public.send_message((SELECT room_id FROM bench.chat_room), 'Bench message ' || :n, gen_random_uuid());
END;

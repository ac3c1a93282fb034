-- pgbench: the floor of a save, the least a correct batch of 10 answers must write, as plain
-- SQL in one transaction run by the owner: upsert 10 answers, insert 10 history rows, append
-- 1 outbox row (whose trigger copies it to realtime.messages). apply_attempt_ops is reported
-- as a ratio to it: what its checks, idempotency and bookkeeping cost beyond the writes. It
-- writes as the same client as the other phases ('bench-<n>'), so their later saves are not
-- conflicts with it.
\set n random(1, :students)
BEGIN;
WITH s AS (SELECT attempt_id FROM bench.students WHERE n = :n),
ops AS (
  SELECT (o ->> 'op_id')::uuid AS op_id, (o ->> 'question_id')::uuid AS question_id, o -> 'value' AS value
  FROM jsonb_array_elements(bench.answer_ops(10)) AS o
),
w AS (
  INSERT INTO public.attempt_answers AS a (attempt_id, question_id, value, version, client_id)
  SELECT s.attempt_id, ops.question_id, ops.value, 1, 'bench-' || :n FROM s, ops
  ON CONFLICT (attempt_id, question_id) DO UPDATE
    SET value = excluded.value, version = a.version + 1, client_id = excluded.client_id, updated_at = now()
  RETURNING a.attempt_id, a.question_id, a.version
),
h AS (
  INSERT INTO public.question_attempt_history (attempt_id, question_id, new_value, new_version, op_id, client_id, source)
  SELECT w.attempt_id, w.question_id, ops.value, w.version, ops.op_id, 'bench-' || :n, 'save'
  FROM w JOIN ops USING (question_id)
)
INSERT INTO public.outbox_events (topic, event, payload)
SELECT 'attempt:' || s.attempt_id, 'ops_applied', '{}' FROM s;
END;

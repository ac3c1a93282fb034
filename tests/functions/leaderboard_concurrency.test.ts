import assert from "node:assert/strict";
import { createDb } from "../../functions/_shared/db.ts";
import { createExamFixture, requireEnv } from "./helpers.ts";

const dbUrl = requireEnv("SUPABASE_DB_URL");

Deno.test("grading 24 students at once keeps the leaderboard exact, without deadlocks, and coalesces its events", async () => {
  const fixture = await createExamFixture({ students: 24, questions: 3 });
  const pool = createDb({ url: dbUrl, max: 24 });
  try {
    // Student i gets i % 4 of the three questions right (key "a"), all in parallel.
    await Promise.all(fixture.students.map((student, i) =>
      pool.withOwner(async (tx) => {
        const claims = JSON.stringify({ sub: student.id, role: "authenticated", aud: "authenticated" });
        await tx`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${claims}, true)`;
        const [attempt] = await tx<{ id: string }[]>`
          select id from public.start_attempt(${fixture.examId}, 'practice')`;
        const ops = fixture.questionIds.map((questionId, q) => ({
          op_id: crypto.randomUUID(),
          type: "answer",
          question_id: questionId,
          value: q < i % 4 ? "a" : "b",
          base_version: 0,
        }));
        await tx`select public.apply_attempt_ops(${attempt!.id}, ${tx.json(ops)})`;
        await tx`select public.submit_attempt(${attempt!.id})`;
      })
    ));

    const sql = fixture.sql;
    const entries = await sql<{ user_id: string; points: string }[]>`
      select user_id, points::text from public.leaderboard_entries
      where academy_id = ${fixture.academyId} and period = 'week'`;
    assert.equal(entries.length, 24, "every graded student has an entry");
    const [counted] = await sql<{ n: number }[]>`
      select coalesce(sum(entries), 0)::integer as n from private.leaderboard_point_counts
      where academy_id = ${fixture.academyId} and period = 'week' and scope = ''`;
    assert.equal(counted!.n, 24, "the points counts hold every student exactly once");

    const claims = JSON.stringify({ sub: fixture.students[0]!.id, role: "authenticated", aud: "authenticated" });
    const board = await pool.withOwner(async (tx) => {
      await tx`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${claims}, true)`;
      return await tx<{ rank: string; points: string }[]>`
        select rank::text, points::text from public.get_leaderboard('week', null, 50, 0, ${fixture.academyId})`;
    });
    const points = board.map((row) => Number(row.points));
    const expected = points.map((p) => 1 + points.filter((other) => other > p).length);
    assert.deepEqual(board.map((row) => Number(row.rank)), expected, "ranks are standard competition ranks");
    assert.deepEqual(
      [...points].sort((a, b) => b - a),
      fixture.students.map((_, i) => i % 4).sort((a, b) => b - a),
      "each student's points are their one graded score",
    );

    const events = await sql<{ period: string; at: string }[]>`
      select payload ->> 'period' as period, (extract(epoch from created_at) * 1000)::text as at from public.outbox_events
      where topic = ${"leaderboard:" + fixture.academyId} and event = 'leaderboard_updated'
        and payload ->> 'specialty' is null
      order by id`;
    for (const period of ["week", "month", "all_time"]) {
      const times = events.filter((e) => e.period === period).map((e) => Number(e.at));
      assert.ok(times.length >= 1, `the ${period} board was announced`);
      for (let k = 1; k < times.length; k++) {
        assert.ok(times[k]! - times[k - 1]! >= 999, `the ${period} board is announced at most once a second`);
      }
    }
  } finally {
    await pool.close();
    await fixture.cleanup();
  }
});

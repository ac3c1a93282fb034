import assert from "node:assert/strict";
import { createDb } from "../../functions/_shared/db.ts";
import { toHttpError } from "../../functions/_shared/errors.ts";
import { createExamFixture, requireEnv } from "./helpers.ts";

const dbUrl = requireEnv("SUPABASE_DB_URL");

Deno.test("joinStudyGroup() lets exactly 10 of 50 students joining at once into a group of 10 and answers the rest 409 group_full", async () => {
  const fixture = await createExamFixture({ students: 50, questions: 1 });
  const pool = createDb({ url: dbUrl, max: 50 });
  let groupId: string | undefined;
  try {
    const sql = fixture.sql;
    // An empty group of ten with its room, made by the owner connection so all ten seats are free.
    const [group] = await sql<{ id: string }[]>`
      insert into public.study_groups (academy_id, name, member_limit, created_by)
      values (${fixture.academyId}, 'Fifty for ten', 10, ${fixture.teacher.id}) returning id`;
    groupId = group!.id;
    await sql`
      insert into public.chat_rooms (academy_id, kind, title, study_group_id, created_by)
      values (${fixture.academyId}, 'study_group', 'Fifty for ten', ${group!.id}, ${fixture.teacher.id})`;

    // Every student on a connection of their own, all at once.
    const outcomes = await Promise.all(fixture.students.map((student) =>
      pool.withOwner(async (tx) => {
        const claims = JSON.stringify({ sub: student.id, role: "authenticated", aud: "authenticated" });
        await tx`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${claims}, true)`;
        await tx`select public.join_study_group(${group!.id})`;
        return "joined";
      }).catch((error) => {
        const http = toHttpError(error);
        return `${http.status} ${http.code}`;
      })
    ));

    assert.equal(outcomes.filter((o) => o === "joined").length, 10, "exactly ten students get in");
    assert.deepEqual(
      [...new Set(outcomes.filter((o) => o !== "joined"))],
      ["409 group_full"],
      "every other student is answered 409 group_full",
    );
    const [counted] = await sql<{ members: number; room_members: number; events: number }[]>`
      select
        (select count(*)::integer from public.study_group_members where group_id = ${group!.id} and left_at is null) as members,
        (select count(*)::integer from public.chat_room_members as m join public.chat_rooms as r on r.id = m.room_id
          where r.study_group_id = ${group!.id} and m.left_at is null) as room_members,
        (select count(*)::integer from public.outbox_events
          where topic = ${"group:" + group!.id} and event = 'study_group_member_joined') as events`;
    assert.deepEqual(counted, { members: 10, room_members: 10, events: 10 }, "ten members, in the room too, ten joined events");
    const counts = await sql<{ n: number }[]>`
      select (payload ->> 'member_count')::integer as n from public.outbox_events
      where topic = ${"group:" + group!.id} and event = 'study_group_member_joined' order by id`;
    assert.deepEqual(counts.map((c) => c.n), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "the joins were serialised: counts 1 to 10");
  } finally {
    if (groupId) await fixture.sql`delete from public.outbox_events where topic = ${"group:" + groupId}`;
    await pool.close();
    await fixture.cleanup();
  }
});

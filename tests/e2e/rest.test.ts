// The PostgREST stand-in at /rest/v1 through supabase-js (and raw HTTP where supabase-js
// cannot say it), case by case against what PostgREST documents: select with renames,
// casts and embedding, filters, ordering, paging with Content-Range and counts, single
// objects, mutations with Prefer, RPCs over POST and GET with filters, errors, and the
// 400/501 answers of what the stand-in does not support.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../scripts/lib/jwt.mjs';
import { ownerSql } from './fixtures';
import { anonKey, apiUrl, clientFor } from './support';

const EXAM_ID = '00000000-0000-4000-8000-0000000e0001';
const ACADEMY_ID = '00000000-0000-4000-8000-00000000a001';
const student = clientFor('student1');
const teacher = clientFor('teacher');

function rest(path: string, init: RequestInit & { token?: string } = {}) {
  const headers = new Headers(init.headers);
  if (!headers.has('apikey')) headers.set('apikey', anonKey);
  headers.set('authorization', `Bearer ${init.token ?? mintToken({ role: 'authenticated', sub: 'a0000000-0000-4000-8000-000000000002' })}`);
  return fetch(`${apiUrl}/rest/v1${path}`, { ...init, headers });
}

describe('GET tables', () => {
  it('selects columns with renames and casts', async () => {
    const { data, error, status } = await student.from('exams').select('id, name:title, minutes:duration_seconds::text').eq('id', EXAM_ID);
    expect(error).toBeNull();
    expect(status).toBe(200);
    expect(data).toEqual([{ id: EXAM_ID, name: 'Foundations of Physiology', minutes: '1800' }]);
  });

  it('embeds a to-one relation as an object and a to-many relation as an array', async () => {
    const { data } = await teacher.from('exams').select('id, academy:academies(name), exam_sections(title, position)')
      .eq('id', EXAM_ID).single();
    expect(data).toMatchObject({ id: EXAM_ID, academy: { name: 'Northwind Academy' } });
    expect((data as { exam_sections: unknown[] }).exam_sections).toHaveLength(2);
  });

  it('filters an embedded resource, and !inner filters the parent by it', async () => {
    const { data } = await teacher.from('exams').select('id, exam_sections(title)').eq('id', EXAM_ID).eq('exam_sections.position', 1);
    expect(data?.[0]?.exam_sections).toEqual([{ title: 'Renal physiology' }]);
    const inner = await teacher.from('exams').select('id, exam_sections!inner(title)').eq('exam_sections.title', 'No such section');
    expect(inner.data).toEqual([]);
  });

  it('applies eq, neq, gt, gte, lt, lte, in, is, like, ilike and not', async () => {
    const q = () => teacher.from('questions').select('position').eq('exam_id', EXAM_ID).order('position');
    const positions = async (query: PromiseLike<{ data: { position: number }[] | null }>) => (await query).data?.map((row) => row.position);
    expect(await positions(q().eq('type', 'essay'))).toEqual([2]);
    expect(await positions(q().neq('section_id', '00000000-0000-4000-8000-0000000e5001'))).toEqual([0, 1, 2]);
    expect(await positions(q().gt('points', 1))).toEqual([1, 2]);
    expect(await positions(q().gte('position', 2).lte('position', 2))).toHaveLength(2);
    expect(await positions(q().lt('position', 1).in('type', ['numeric', 'single_choice']))).toEqual([0, 0]);
    expect(await positions(q().in('type', []))).toEqual([]);
    expect(await positions(q().is('section_id', null))).toEqual([]);
    expect(await positions(q().like('prompt', '*kidney*'))).toEqual([1, 2]);
    expect(await positions(q().ilike('prompt', '%HEART%'))).toEqual([1, 2]);
    expect(await positions(q().not('type', 'in', '(single_choice,essay,numeric,short_text,true_false)'))).toEqual([1]);
  });

  it('applies or= and and= trees', async () => {
    const { data } = await teacher.from('questions').select('type').eq('exam_id', EXAM_ID)
      .or('type.eq.essay,and(type.eq.numeric,points.eq.1),and(type.eq.single_choice,points.eq.9)');
    expect(data?.map((row) => row.type).sort()).toEqual(['essay', 'numeric']);
  });

  it('orders with nullsfirst/nullslast and pages with limit/offset and Content-Range', async () => {
    const { data, count, status } = await teacher.from('questions').select('position, type', { count: 'exact' })
      .eq('exam_id', EXAM_ID).order('points', { ascending: false, nullsFirst: false }).order('prompt', { nullsFirst: true }).range(1, 2);
    expect(status).toBe(206);
    expect(count).toBe(6);
    expect(data?.map((row) => row.type)).toEqual(['multiple_choice', 'short_text']);
    const response = await rest(`/questions?exam_id=eq.${EXAM_ID}&select=id&limit=2`, { headers: { prefer: 'count=exact' } });
    expect(response.headers.get('content-range')).toBe('0-1/6');
  });

  it('reads the Range header as PostgREST does', async () => {
    const response = await rest(`/questions?exam_id=eq.${EXAM_ID}&select=position&order=position.asc,type.asc`, { headers: { range: '2-3' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-range')).toBe('2-3/*');
    expect(await response.json()).toHaveLength(2);
  });

  it('counts planned and estimated, and HEAD answers the count without a body', async () => {
    const planned = await teacher.from('questions').select('*', { count: 'planned', head: true });
    expect(planned.error).toBeNull();
    expect(typeof planned.count).toBe('number');
    const head = await teacher.from('questions').select('*', { count: 'exact', head: true }).eq('exam_id', EXAM_ID);
    expect(head.count).toBe(6);
    expect(head.data).toBeNull();
  });

  it('single() answers one object, and PGRST116 with 406 for none or many', async () => {
    const one = await student.from('exams').select('title').eq('id', EXAM_ID).single();
    expect(one.data).toEqual({ title: 'Foundations of Physiology' });
    const none = await student.from('exams').select('title').eq('id', crypto.randomUUID()).single();
    expect(none.status).toBe(406);
    expect(none.error).toMatchObject({ code: 'PGRST116', details: 'The result contains 0 rows', message: 'Cannot coerce the result to a single JSON object' });
    expect((await teacher.from('questions').select('id').eq('exam_id', EXAM_ID).maybeSingle()).error?.code).toBe('PGRST116');
    expect((await student.from('exams').select('id').eq('id', crypto.randomUUID()).maybeSingle()).data).toBeNull();
  });

  it('runs as the caller with RLS and grants: anon is refused (401 42501), another academy sees nothing', async () => {
    const anon = await clientFor().from('exams').select('id');
    expect(anon.status).toBe(401);
    expect(anon.error?.code).toBe('42501');
    const outsider = clientFor(undefined, mintToken({ role: 'authenticated', sub: 'b0000000-0000-4000-8000-000000000001' }));
    expect((await outsider.from('exams').select('id').eq('id', EXAM_ID)).data).toEqual([]);
  });

  it('answers PostgREST\'s errors: PGRST205 unknown table, 42703 unknown column, PGRST200 unknown relationship, PGRST100 bad filter', async () => {
    const table = await student.from('no_such_table').select();
    expect(table.status).toBe(404);
    expect(table.error?.code).toBe('PGRST205');
    const column = await student.from('exams').select('nope');
    expect(column.status).toBe(400);
    expect(column.error).toMatchObject({ code: '42703', message: 'column exams.nope does not exist' });
    const relation = await student.from('exams').select('id, profiles(id)');
    expect(relation.status).toBe(400);
    expect(relation.error?.code).toBe('PGRST200');
    const filter = await rest('/exams?id=eqq.1');
    expect(filter.status).toBe(400);
    expect((await filter.json()).code).toBe('PGRST100');
  });

  it('only exposed schemas are reachable: Accept-Profile private is 406 PGRST106', async () => {
    const { error, status } = await student.schema('private').from('question_keys').select();
    expect(status).toBe(406);
    expect(error?.code).toBe('PGRST106');
  });

  it('requires the API key (401 No API key found in request) and refuses a bad token (401 PGRST301)', async () => {
    const missing = await fetch(`${apiUrl}/rest/v1/exams`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ message: 'No API key found in request' });
    const bad = await fetch(`${apiUrl}/rest/v1/exams`, { headers: { apikey: anonKey, authorization: 'Bearer nonsense' } });
    expect(bad.status).toBe(401);
    expect((await bad.json()).code).toBe('PGRST301');
    const onlyKey = await fetch(`${apiUrl}/rest/v1/exams?select=id`, { headers: { apikey: anonKey } });
    expect(onlyKey.status).toBe(401); // runs as anon, which may not read exams
    const serviceKey = mintToken({ role: 'service_role' });
    const service = await fetch(`${apiUrl}/rest/v1/exams?select=id&id=eq.${EXAM_ID}`, { headers: { apikey: serviceKey } });
    expect(await service.json()).toEqual([{ id: EXAM_ID }]);
  });
});

describe('mutations', () => {
  it('inserts one and many rows with return=representation, minimal by default', async () => {
    const id = crypto.randomUUID();
    const { data, status } = await teacher.from('exams')
      .insert({ id, academy_id: ACADEMY_ID, title: 'REST insert', duration_seconds: 600 }).select('id, title').single();
    expect(status).toBe(201);
    expect(data).toEqual({ id, title: 'REST insert' });
    // defaultToNull: false sends Prefer: missing=default, so the second row gets the column default.
    const minimal = await teacher.from('exams').insert([
      { academy_id: ACADEMY_ID, title: 'REST bulk 1', duration_seconds: 60, grace_period_seconds: 5 },
      { academy_id: ACADEMY_ID, title: 'REST bulk 2', duration_seconds: 60 },
    ], { defaultToNull: false });
    expect(minimal.error).toBeNull();
    expect(minimal.status).toBe(201);
    expect(minimal.data).toBeNull();
    const rows = await ownerSql`select grace_period_seconds as g from public.exams where title like 'REST bulk%' order by title`;
    expect(rows.map((row) => row.g)).toEqual([5, 60]);
    const nulls = await teacher.from('exams').insert([
      { academy_id: ACADEMY_ID, title: 'REST null', duration_seconds: 60, grace_period_seconds: 5 },
      { academy_id: ACADEMY_ID, title: 'REST null', duration_seconds: 60 },
    ]);
    expect(nulls.error?.code).toBe('23502'); // without missing=default an absent key is null
  });

  it('upserts with on_conflict and merge-duplicates, or ignores duplicates', async () => {
    const id = crypto.randomUUID();
    await teacher.from('exams').insert({ id, academy_id: ACADEMY_ID, title: 'Before', duration_seconds: 600 });
    const merged = await teacher.from('exams').upsert({ id, academy_id: ACADEMY_ID, title: 'After', duration_seconds: 600 }, { onConflict: 'id' }).select('title');
    expect(merged.data).toEqual([{ title: 'After' }]);
    const ignored = await teacher.from('exams').upsert({ id, academy_id: ACADEMY_ID, title: 'Ignored', duration_seconds: 600 }, { ignoreDuplicates: true }).select('title');
    expect(ignored.data).toEqual([]);
  });

  it('updates and deletes with filters, and refuses them without (21000, as safe-update does)', async () => {
    const id = crypto.randomUUID();
    await teacher.from('exams').insert({ id, academy_id: ACADEMY_ID, title: 'Patch me', duration_seconds: 600 });
    const patched = await teacher.from('exams').update({ title: 'Patched' }).eq('id', id).select('title');
    expect(patched.status).toBe(200);
    expect(patched.data).toEqual([{ title: 'Patched' }]);
    expect((await teacher.from('exams').update({ title: 'x' }).eq('id', id)).status).toBe(204);
    const unfiltered = await rest('/exams', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"title":"all"}' });
    expect(unfiltered.status).toBe(400);
    expect((await unfiltered.json()).code).toBe('21000');
    const deleted = await teacher.from('exams').delete({ count: 'exact' }).eq('id', id);
    expect(deleted.status).toBe(204);
    expect(deleted.count).toBe(1);
  });

  it('RLS refuses a student\'s insert with 403 42501, and an unknown column is 400 PGRST204', async () => {
    const refused = await student.from('exams').insert({ academy_id: ACADEMY_ID, title: 'Nope' });
    expect(refused.status).toBe(403);
    expect(refused.error?.code).toBe('42501');
    const unknown = await teacher.from('exams').insert({ academy_id: ACADEMY_ID, no_such_column: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.error?.code).toBe('PGRST204');
  });

  it('single() on a mutation that touches several rows rolls it back with PGRST116', async () => {
    const ids = [crypto.randomUUID(), crypto.randomUUID()];
    await teacher.from('exams').insert(ids.map((id) => ({ id, academy_id: ACADEMY_ID, title: 'Pair', duration_seconds: 60 })));
    const result = await teacher.from('exams').update({ title: 'Changed' }).in('id', ids).select().single();
    expect(result.error?.code).toBe('PGRST116');
    const rows = await ownerSql`select title from public.exams where id = any(${ids})`;
    expect(rows.map((row) => row.title)).toEqual(['Pair', 'Pair']);
  });
});

describe('RPC', () => {
  // Two throwaway functions of this test database: a numeric echo and a set-returning one.
  beforeAll(async () => {
    await ownerSql.unsafe(`
      create or replace function public.test_echo_numeric(x numeric) returns numeric
        language sql immutable security invoker set search_path = '' as $$ select x $$;
      create or replace function public.test_series(n int) returns table (i int, label text)
        language sql stable security invoker set search_path = ''
        as $$ select g, 'row ' || g from generate_series(1, n) as g $$;
      grant execute on function public.test_echo_numeric(numeric), public.test_series(int) to anon, authenticated;`);
  });
  afterAll(async () => {
    await ownerSql.unsafe('drop function public.test_echo_numeric(numeric); drop function public.test_series(int);');
  });

  it('POST passes JSON numbers through exactly', async () => {
    const response = await rest('/rpc/test_echo_numeric', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"x": 12345678901234567890.5}' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('12345678901234567890.5');
  });

  it('filters, orders, pages and counts a set-returning function, over POST and GET', async () => {
    const { data, count } = await student.rpc('test_series', { n: 10 }, { count: 'exact' })
      .select('i').gt('i', 3).order('i', { ascending: false }).limit(2);
    expect(data).toEqual([{ i: 10 }, { i: 9 }]);
    expect(count).toBe(7);
    const viaGet = await student.rpc('test_series', { n: 5 }, { get: true }).eq('label', 'row 2').single();
    expect(viaGet.data).toEqual({ i: 2, label: 'row 2' });
    const head = await student.rpc('test_series', { n: 4 }, { head: true, count: 'exact' });
    expect(head.count).toBe(4);
  });

  it('GET /rpc with query arguments runs a stable function, with select, filters and order on its rows', async () => {
    const { data: attempt } = await student.rpc('start_attempt', { p_exam_id: EXAM_ID, p_mode: 'practice' });
    const attemptId = (attempt as { id: string }).id;
    const state = await student.rpc('get_attempt_state', { p_attempt_id: attemptId }, { get: true });
    expect(state.error).toBeNull();
    expect(state.data).toBeTruthy();
    const viaPost = await student.rpc('get_attempt_state', { p_attempt_id: attemptId });
    expect((viaPost.data as { exam: unknown }).exam).toEqual((state.data as { exam: unknown }).exam);
  });

  it('an unknown function is 404 PGRST202, a missing argument too', async () => {
    const { error, status } = await student.rpc('no_such_function', { a: 1 });
    expect(status).toBe(404);
    expect(error?.code).toBe('PGRST202');
    expect((await student.rpc('get_attempt_state', {})).error?.code).toBe('PGRST202');
  });
});

describe('what the stand-in does not support answers 400/501 with a code', () => {
  const cases: [string, string, RequestInit?][] = [
    ['spread embedding', '/exams?select=...academies(name)'],
    ['nested embedding', '/exams?select=id,exam_sections(questions(id))'],
    ['ordering by an embedded column', '/exams?select=id,academies(name)&order=academies(name)'],
    ['modifiers on embedded resources', '/exams?select=id,exam_sections(title)&exam_sections.limit=1'],
    ['any/all filter modifiers', '/exams?title=like(any).{a*,b*}'],
    ['CSV output', '/exams', { headers: { accept: 'text/csv' } }],
    ['execution plans', '/exams', { headers: { accept: 'application/vnd.pgrst.plan+json' } }],
    ['Prefer: tx=rollback', '/exams', { headers: { prefer: 'tx=rollback' } }],
    ['PUT', '/exams?id=eq.1', { method: 'PUT', body: '{}' }],
    ['limited updates', '/exams?id=eq.1&limit=1', { method: 'PATCH', body: '{}' }],
    ['the OpenAPI root', '/'],
  ];
  for (const [feature, path, init] of cases) {
    it(`${feature} answers 501 PGRST501 naming it`, async () => {
      const response = await rest(path, init);
      expect(response.status).toBe(501);
      const body = await response.json();
      expect(body.code).toBe('PGRST501');
      expect(body.message).toMatch(/does not support/);
    });
  }

  it('aggregates answer 400 PGRST123 as PostgREST with aggregates disabled does', async () => {
    const response = await rest('/exams?select=count()');
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('PGRST123');
  });

  it('Prefer: handling=strict with an unknown preference answers 400 PGRST122', async () => {
    const response = await rest('/exams', { headers: { prefer: 'handling=strict, frobnicate=yes' } });
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('PGRST122');
  });
});

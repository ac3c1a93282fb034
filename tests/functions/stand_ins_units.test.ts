// Units of the local REST and Auth stand-ins (scripts/rest, scripts/auth): PostgREST's
// grammar parsed to data, SQL built with every value a parameter, and the signer.
import assert from "node:assert/strict";
import { HttpError } from "../../functions/_shared/errors.ts";
import { createSigner } from "../../scripts/auth/keys.ts";
import {
  parseAccept,
  parseFilter,
  parseLogic,
  parseOrder,
  parsePrefer,
  parseRange,
  parseSelect,
  splitTopLevel,
} from "../../scripts/rest/parse.ts";
import {
  filterSql,
  Params,
  quoteIdent,
  selectListSql,
  whereSql,
} from "../../scripts/rest/query.ts";
import { parseQuery } from "../../scripts/rest/request.ts";

function status(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof HttpError ? error.status : -1;
  }
  return undefined;
}

Deno.test("splitTopLevel() splits at top-level commas only", () => {
  assert.deepEqual(splitTopLevel('a,b(c,d),"e,f"'), ["a", "b(c,d)", '"e,f"']);
});

Deno.test("parseSelect() reads renames, casts, JSON paths and embeds", () => {
  assert.deepEqual(parseSelect("id,name:title,minutes:duration_seconds::text,settings->>mode"), [
    { kind: "field", field: { name: "id", path: [] }, alias: undefined, cast: undefined },
    { kind: "field", field: { name: "title", path: [] }, alias: "name", cast: undefined },
    {
      kind: "field",
      field: { name: "duration_seconds", path: [] },
      alias: "minutes",
      cast: "text",
    },
    {
      kind: "field",
      field: { name: "settings", path: [{ arrow: "->>", key: "mode" }] },
      alias: undefined,
      cast: undefined,
    },
  ]);
  const [embed] = parseSelect("academy:academies!academy_id!inner(name)");
  assert.deepEqual(embed, {
    kind: "embed",
    relation: "academies",
    alias: "academy",
    hint: "academy_id",
    inner: true,
    children: [{
      kind: "field",
      field: { name: "name", path: [] },
      alias: undefined,
      cast: undefined,
    }],
  });
});

Deno.test("parseSelect() refuses spreads and nested embeds with 501, aggregates with 400", () => {
  assert.equal(status(() => parseSelect("...academies(name)")), 501);
  assert.equal(status(() => parseSelect("id,a(b(c))")), 501);
  assert.equal(status(() => parseSelect("count()")), 400);
  assert.equal(status(() => parseSelect("id,")), 400);
});

Deno.test("parseFilter() reads operators, not., in lists and is values", () => {
  assert.deepEqual(parseFilter("status", 'not.in.(open,"a,b")'), {
    kind: "filter",
    field: { name: "status", path: [] },
    negate: true,
    op: "in",
    value: ["open", "a,b"],
    language: undefined,
  });
  assert.equal(parseFilter("t", "fts(english).cat").language, "english");
  assert.equal(status(() => parseFilter("a", "eqq.1")), 400);
  assert.equal(status(() => parseFilter("a", "is.maybe")), 400);
  assert.equal(status(() => parseFilter("a", "eq(any).{1,2}")), 501);
});

Deno.test("parseLogic() reads nested and/or trees", () => {
  const tree = parseLogic("or", "(a.eq.1,and(b.gt.2,c.not.is.null))");
  assert.equal(tree.op, "or");
  assert.equal(tree.children.length, 2);
  assert.equal((tree.children[1] as { op: string }).op, "and");
});

Deno.test("parseOrder(), parseRange() and parsePrefer() read PostgREST's forms", () => {
  assert.deepEqual(parseOrder("a.desc.nullslast,b"), [
    { field: { name: "a", path: [] }, direction: "desc", nulls: "last" },
    { field: { name: "b", path: [] } },
  ]);
  assert.deepEqual(parseRange("0-9"), { offset: 0, limit: 10 });
  assert.deepEqual(parseRange("5-"), { offset: 5 });
  assert.equal(status(() => parseRange("9-1")), 416);
  const prefs = parsePrefer("return=representation, count=exact, unknown=1");
  assert.equal(prefs.return, "representation");
  assert.equal(prefs.count, "exact");
  assert.deepEqual(prefs.applied, ["return=representation"]);
  assert.equal(status(() => parsePrefer("handling=strict, unknown=1")), 400);
  assert.equal(status(() => parsePrefer("tx=rollback")), 501);
});

Deno.test("parseAccept() gives arrays, single objects, 501 for other PostgREST media, 406 else", () => {
  assert.equal(parseAccept(null), "array");
  assert.equal(parseAccept("application/vnd.pgrst.object+json"), "object");
  assert.equal(status(() => parseAccept("text/csv")), 501);
  assert.equal(status(() => parseAccept("image/png")), 406);
});

Deno.test("parseQuery() separates filters, embedded filters and RPC arguments", () => {
  const parts = parseQuery(
    new URLSearchParams("select=id,sections(title)&sections.position=eq.1&n=5&id=gt.3&limit=2"),
    new Set(["n"]),
  );
  assert.equal(parts.args.get("n"), "5");
  assert.equal(parts.conditions.length, 1);
  assert.equal(parts.embedFilters.get("sections")?.length, 1);
  assert.equal(parts.limit, 2);
  assert.equal(status(() => parseQuery(new URLSearchParams("other.x=eq.1"))), 400);
});

Deno.test("filterSql() quotes identifiers and passes every value as a text parameter", () => {
  const params = new Params();
  const sql = filterSql(
    "t",
    parseFilter(String.raw`"we\"ird"`, "eq.1; drop table x"),
    params,
    new Map([['we"ird', "integer"]]),
  );
  assert.equal(sql, `"t"."we""ird" = $1::text::integer`);
  assert.deepEqual(params.values, ["1; drop table x"]);
  assert.equal(filterSql("t", parseFilter("a", "like.*x*"), new Params()), `"t"."a" like $1::text`);
  assert.equal(filterSql("t", parseFilter("a", "in.()"), new Params()), "false");
  assert.equal(whereSql("t", [], new Params()), "true");
  assert.equal(quoteIdent("a"), '"a"');
});

Deno.test("selectListSql() renames and casts", () => {
  const sql = selectListSql("t", parseSelect("n:a::text,*"), {
    embeds: new Map(),
    filters: new Map(),
  }, new Params());
  assert.equal(sql, `("t"."a")::text as "n", "t".*`);
});

Deno.test("createSigner() signs ES256 with a kid published in its JWKS, HS256 with none", async () => {
  const signer = await createSigner({ algorithm: "ES256" });
  const token = await signer.sign({ sub: "x", role: "authenticated", exp: 2_000_000_000 });
  const header = JSON.parse(atob(token.split(".")[0]!));
  assert.equal(header.alg, "ES256");
  assert.equal(header.kid, signer.jwks.keys[0]!.kid);
  assert.equal((signer.jwks.keys[0] as { d?: string }).d, undefined);
  const legacy = await createSigner({ algorithm: "HS256", secret: "x".repeat(32) });
  assert.deepEqual(legacy.jwks, { keys: [] });
  await assert.rejects(() => createSigner({ algorithm: "RS512" }));
});

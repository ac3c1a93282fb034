import assert from "node:assert/strict";
import { closeDb } from "../../functions/_shared/db.ts";
import {
  createRouter,
  type FunctionHandler,
  loadFunctions,
} from "../../scripts/serve-functions.ts";
import { closedPort, listen, requireEnv } from "./helpers.ts";

const functionsDir = new URL("../../functions/", import.meta.url);

function echo(): FunctionHandler {
  return async (request) => {
    const url = new URL(request.url);
    return Response.json({
      method: request.method,
      path: url.pathname,
      search: url.search,
      body: await request.text(),
    });
  };
}

Deno.test("createRouter() gives a function its path without /functions/v1", async () => {
  const lines: string[] = [];
  const server = listen(
    createRouter(new Map([["echo", echo()]]), { log: (line) => lines.push(line) }),
  );
  try {
    const root = await fetch(`${server.url}/functions/v1/echo`);
    assert.deepEqual(await root.json(), { method: "GET", path: "/echo", search: "", body: "" });

    const nested = await fetch(`${server.url}/functions/v1/echo/a/b?x=1`, {
      method: "POST",
      body: "hello",
    });
    assert.deepEqual(await nested.json(), {
      method: "POST",
      path: "/echo/a/b",
      search: "?x=1",
      body: "hello",
    });

    assert.equal(lines.length, 2);
    assert.match(lines[1] ?? "", /^POST \/functions\/v1\/echo\/a\/b 200 \d+(\.\d+)?ms$/);
  } finally {
    await server.close();
  }
});

Deno.test("createRouter() answers 404 function_not_found for an unknown function", async () => {
  const server = listen(createRouter(new Map([["echo", echo()]]), { log: () => {} }));
  try {
    for (const path of ["/functions/v1/nope", "/functions/v1/", "/echo", "/functions/v1/echox"]) {
      const response = await fetch(`${server.url}${path}`);
      assert.equal(response.status, 404, path);
      assert.equal((await response.json()).code, "function_not_found", path);
    }
  } finally {
    await server.close();
  }
});

Deno.test("loadFunctions() serves every function folder but _shared", async () => {
  const functions = await loadFunctions(functionsDir);
  assert.ok(functions.has("health"));
  assert.ok(![...functions.keys()].some((name) => name.startsWith("_")));

  const server = listen(createRouter(functions, { log: () => {} }));
  try {
    const response = await fetch(`${server.url}/functions/v1/health`);
    assert.equal(response.status, 200);
    assert.equal((await response.json()).status, "ok");
  } finally {
    await server.close();
    await closeDb();
  }
});

Deno.test("serve-functions serves on FUNCTIONS_PORT and stops on SIGTERM", async () => {
  const port = closedPort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--config", "functions/deno.json", "scripts/serve-functions.ts"],
    cwd: new URL("../../", import.meta.url),
    env: {
      FUNCTIONS_PORT: String(port),
      SUPABASE_DB_URL: requireEnv("SUPABASE_DB_URL"),
      JWT_SECRET: requireEnv("JWT_SECRET"),
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = child.output();
  try {
    let response: Response | undefined;
    for (let tries = 0; tries < 150 && response === undefined; tries++) {
      try {
        response = await fetch(`http://127.0.0.1:${port}/functions/v1/health`);
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    assert.equal(response?.status, 200);
    assert.equal((await response?.json()).database, "ok");
  } finally {
    child.kill("SIGTERM");
  }
  const { code, stdout } = await output;
  const log = new TextDecoder().decode(stdout);
  assert.equal(code, 0, log);
  assert.match(
    log,
    new RegExp(`Serving functions .*health.* at http://127\\.0\\.0\\.1:${port}/functions/v1/`),
  );
  assert.match(log, /GET \/functions\/v1\/health 200 /);
  assert.match(log, /SIGTERM: shutting down/);
});

/**
 * The demo pages at `/demo/`: static files of `demo/` (the SDK bundle in
 * `demo/dist/` is built by `npm run dev` and `npm test`), and `/demo/config.json`
 * telling a page where the API is and its anon key.
 *
 * @module
 */

/** Where the demo's files are served. */
export const DEMO_PREFIX = "/demo";

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json",
  png: "image/png",
  map: "application/json",
  svg: "image/svg+xml",
};

/**
 * A handler of `/demo/*` serving files under `root`.
 *
 * @example
 * ```ts
 * const demo = createDemoHandler({ root: new URL("../demo/", import.meta.url), config: { url, anonKey } });
 * ```
 */
export function createDemoHandler(options: { root: URL; config: { url?: string; anonKey: string } }) {
  return async function demo(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === DEMO_PREFIX) return Response.redirect(new URL(`${DEMO_PREFIX}/`, url), 301);
    const relative = decodeURIComponent(url.pathname.slice(DEMO_PREFIX.length + 1)) || "index.html";
    if (relative === "config.json") {
      return Response.json({ url: options.config.url ?? url.origin, anonKey: options.config.anonKey });
    }
    if (relative.split("/").some((part) => part === ".." || part.startsWith("."))) {
      return new Response("Not found", { status: 404 });
    }
    try {
      const body = await Deno.readFile(new URL(relative, options.root));
      const type = TYPES[relative.split(".").pop() ?? ""] ?? "application/octet-stream";
      return new Response(body, { headers: { "content-type": type, "cache-control": "no-store" } });
    } catch {
      return new Response("Not found", { status: 404 });
    }
  };
}

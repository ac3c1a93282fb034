/**
 * Helpers of the Deno tests: environment, servers on 127.0.0.1, tokens.
 *
 * @module
 */

import { SignJWT } from "jose";

/**
 * A required environment variable of the test run.
 *
 * @example
 * ```ts
 * const dbUrl = requireEnv("SUPABASE_DB_URL");
 * ```
 */
export function requireEnv(name: string): string {
  const value = Deno.env.get(name);
  if (!value) throw new Error(`Cannot run tests: ${name} is not set`);
  return value;
}

/** A server started by {@linkcode listen}. */
export interface TestServer {
  /** Base URL, such as `http://127.0.0.1:40123`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a handler on 127.0.0.1 at a free port.
 *
 * @example
 * ```ts
 * const server = listen(handler);
 * try { await fetch(`${server.url}/health`); } finally { await server.close(); }
 * ```
 */
export function listen(handler: (request: Request) => Response | Promise<Response>): TestServer {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    close: () => server.shutdown(),
  };
}

/**
 * A port nothing listens on (bound, then released).
 *
 * @example
 * ```ts
 * const url = `postgresql://postgres:postgres@127.0.0.1:${closedPort()}/postgres`;
 * ```
 */
export function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Options of {@linkcode signHs256}. */
export interface SignOptions {
  /** Seconds from now; negative for an expired token. Default 3600. */
  expiresIn?: number;
  /** Leave `exp` out. */
  withoutExp?: boolean;
}

/**
 * An HS256 token with the given claims.
 *
 * @example
 * ```ts
 * const token = await signHs256({ role: "service_role" }, secret);
 * ```
 */
export async function signHs256(
  claims: Record<string, unknown>,
  secret: string,
  options: SignOptions = {},
): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setIssuedAt();
  if (!options.withoutExp) {
    jwt.setExpirationTime(Math.floor(Date.now() / 1000) + (options.expiresIn ?? 3600));
  }
  return await jwt.sign(new TextEncoder().encode(secret));
}

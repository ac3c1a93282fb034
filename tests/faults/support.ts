// What every fault-injection test needs: the throwaway cluster `npm test` made (to stop,
// restart or terminate it), a functions server of its own (to prove it stays alive),
// and the owner's connection to check outcomes.
import type { ChildProcess } from 'node:child_process';
import postgres from 'postgres';
import { cluster } from '../../scripts/lib/cluster.mjs';
import { startFunctions, stopProcess } from '../../scripts/lib/stack.mjs';

const dbUrl = requireEnv('SUPABASE_DB_URL');
const dbPort = Number(new URL(dbUrl).port);

/** The cluster under test: `npm test` tells where it lives. */
export const database = cluster({ dir: requireEnv('EXAMSYNC_TEST_DB_DIR'), port: dbPort, durable: false });

/** The owner's view; npm:postgres reconnects by itself after a fault. */
export const ownerSql = postgres(dbUrl, { max: 2, onnotice: () => {} });

/** A functions server of this suite's own, on the port below the suite's API port. */
export async function startServer(): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const port = Number(new URL(requireEnv('SUPABASE_URL')).port) - 2;
  const child = await startFunctions({ port, dbUrl, quiet: true });
  return { url: `http://127.0.0.1:${port}`, child, stop: () => stopProcess(child) };
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 50 ms until it holds; throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(50);
  }
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Cannot run the fault-injection tests: ${name} is not set (run them with npm test)`);
  return value;
}

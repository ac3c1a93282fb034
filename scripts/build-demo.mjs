// Bundles the SDK and supabase-js for the demo pages (demo/src/sdk.ts → demo/dist/sdk.js,
// git-ignored) with esbuild. Run by `npm run dev` and `npm test`; `node scripts/build-demo.mjs`
// alone rebuilds it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Builds demo/dist/sdk.js; resolves with its path. */
export async function buildDemo() {
  const outfile = path.join(ROOT, 'demo/dist/sdk.js');
  await build({
    entryPoints: [path.join(ROOT, 'demo/src/sdk.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    minify: true,
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(`built ${path.relative(ROOT, await buildDemo())}`);
}

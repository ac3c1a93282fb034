// Bundles, with esbuild, the SDK and supabase-js for the demo pages (demo/src/sdk.ts →
// demo/dist/sdk.js) and the React page of the README's useChat tutor (demo/src/tutor-react.tsx
// → demo/dist/tutor-react.js); demo/dist is git-ignored. Run by `npm run dev` and `npm test`; `node scripts/build-demo.mjs`
// alone rebuilds it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Builds demo/dist/sdk.js and demo/dist/tutor-react.js; resolves with the folder. */
export async function buildDemo() {
  const outdir = path.join(ROOT, 'demo/dist');
  await build({
    entryPoints: [path.join(ROOT, 'demo/src/sdk.ts'), path.join(ROOT, 'demo/src/tutor-react.tsx')],
    outdir,
    bundle: true,
    jsx: 'automatic',
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    minify: true,
    logLevel: 'warning',
  });
  return outdir;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(`built ${path.relative(ROOT, await buildDemo())}`);
}

// Bundles the Node entry points into dist/ with esbuild (which tsx already brings): `npm start`,
// `npm run tick` and `npm run import` run the bundles with plain node. Running TypeScript through
// tsx's loader costs every process a second JavaScript heap (the loader's thread): 25–33 MB of RSS
// (measured), and an import of 5 rows took 2.0–2.2 s instead of 1.1–1.5 s.
// Bundles stay two folders below the project root (dist/entry/, dist/cli/), where src/db/migrate.ts
// finds migrations/ by the same relative path as from src/db/.
import { build } from 'esbuild';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** entries: output path under the project root (without .js) → source file. */
export async function bundle(entries) {
  await build({
    absWorkingDir: root,
    entryPoints: Object.entries(entries).map(([out, source]) => ({ out, in: source })),
    outdir: root,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

export const nodeEntries = {
  'dist/entry/node': 'src/entry/node.ts',
  'dist/cli/tick': 'src/cli/tick.ts',
  'dist/cli/import': 'src/cli/import.ts',
  // started by the import as a worker thread, from beside it
  'dist/cli/member-rows-worker': 'src/cli/member-rows-worker.ts',
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await bundle(nodeEntries);
}

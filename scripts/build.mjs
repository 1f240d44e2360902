// Bundles the Node entry points into dist/ with esbuild (which tsx already brings): `npm start` and
// `npm run tick` run the bundle with plain node. Running TypeScript through tsx's loader costs
// every process a second JavaScript heap (the loader's thread): 25–33 MB of RSS, measured.
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

export const nodeEntries = { 'dist/entry/node': 'src/entry/node.ts', 'dist/cli/tick': 'src/cli/tick.ts' };

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await bundle(nodeEntries);
}

// Bundles the Node programs into dist/node/ with esbuild (which tsx already brings): `npm start`,
// `npm run tick` and `npm run import` run the bundles with plain node. Running TypeScript through
// tsx's loader costs every process a second JavaScript heap (the loader's thread): 25–33 MB of RSS
// (measured), and an import of 5 rows took 2.0–2.2 s instead of 1.1–1.5 s.
// The folder is two levels below the project root, where src/db/migrate.ts finds migrations/ by
// the same relative path as from src/db/.
import { build } from 'esbuild';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Each program's bundle name → its source. The import starts its reader thread from the bundle beside it. */
export const NODE_PROGRAMS = {
  server: 'src/entry/node.ts',
  tick: 'src/cli/tick.ts',
  import: 'src/cli/import.ts',
  'member-rows-worker': 'src/cli/member-rows-worker.ts',
  'database-worker': 'src/db/database-worker.ts',
};

/** Bundles NODE_PROGRAMS (and `extra`, same form) into `dir`, a folder two levels below the root. */
export async function bundleNodePrograms(dir = 'dist/node', extra = {}) {
  await build({
    absWorkingDir: root,
    entryPoints: Object.entries({ ...NODE_PROGRAMS, ...extra }).map(([name, source]) => ({ out: `${dir}/${name}`, in: source })),
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

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await bundleNodePrograms();
}

// The esbuild bundles `npm start`, `npm run tick` and `npm run import` run, built for one test file into a folder of
// its own (two levels below the project root, like dist/entry/, so migrations/ is found the same way).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error plain ESM script without types
import { bundle } from '../../scripts/build.mjs';
import { randomId } from '../../src/core/ids.js';

export interface Bundles {
  server: string;
  tick: string;
  import: string;
  remove(): void;
}

export async function buildBundles(): Promise<Bundles> {
  const dir = join('dist', randomId('test'));
  await bundle({
    [`${dir}/node`]: 'src/entry/node.ts',
    [`${dir}/tick`]: 'src/cli/tick.ts',
    [`${dir}/import`]: 'src/cli/import.ts',
    [`${dir}/member-rows-worker`]: 'src/cli/member-rows-worker.ts',
  });
  return { server: `${dir}/node.js`, tick: `${dir}/tick.js`, import: `${dir}/import.js`, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

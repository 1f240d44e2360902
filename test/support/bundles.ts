// The esbuild bundles `npm start` and `npm run tick` run, built for one test file into a folder of
// its own (two levels below the project root, like dist/entry/, so migrations/ is found the same way).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error plain ESM script without types
import { bundle } from '../../scripts/build.mjs';
import { randomId } from '../../src/core/ids.js';

export interface Bundles {
  server: string;
  tick: string;
  remove(): void;
}

export async function buildBundles(): Promise<Bundles> {
  const dir = join('dist', randomId('test'));
  await bundle({ [`${dir}/node`]: 'src/entry/node.ts', [`${dir}/tick`]: 'src/cli/tick.ts' });
  return { server: `${dir}/node.js`, tick: `${dir}/tick.js`, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

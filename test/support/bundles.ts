// The esbuild bundles `npm start`, `npm run tick` and `npm run import` run (scripts/build.mjs),
// built for one test file into a folder of its own beside dist/node/.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error plain ESM script without types
import { bundleNodePrograms } from '../../scripts/build.mjs';
import { randomId } from '../../src/core/ids.js';

export interface Bundles {
  server: string;
  tick: string;
  import: string;
  remove(): void;
}

/** Node's arguments for a program: a bundle runs under plain node, TypeScript through tsx. */
export function programArgs(script: string, args: string[] = []): string[] {
  return [...(script.endsWith('.ts') ? ['--import', 'tsx'] : []), script, ...args];
}

export async function buildBundles(): Promise<Bundles> {
  const dir = join('dist', randomId('test'));
  await bundleNodePrograms(dir);
  return { server: `${dir}/server.js`, tick: `${dir}/tick.js`, import: `${dir}/import.js`, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

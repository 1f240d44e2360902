// How the benchmarks run the runner: as `npm start` and `npm run tick` do, the esbuild bundle under
// plain node with the same V8 memory flags, so its time and memory are what users get. The provider
// stand-in (bench/provider-server.ts) runs in a process of its own.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error plain ESM script without types
import { bundleNodePrograms } from '../scripts/build.mjs';

export const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** The V8 memory flags of `npm run tick` (and `npm start`). */
export const RUNNER_FLAGS = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { tick: string } }).scripts.tick.match(/--max-[\w-]+=\d+/g) ?? [];

export const TICK_BUNDLE = 'dist/node/tick.js';
export const IMPORT_BUNDLE = 'dist/node/import.js';
export const DISPATCH_CHILD_BUNDLE = 'dist/node/dispatch-child.js';
export const RESOLVE_CHILD_BUNDLE = 'dist/node/resolve-child.js';

export async function buildRunnerBundles(): Promise<void> {
  await bundleNodePrograms('dist/node', { 'dispatch-child': 'bench/dispatch-child.ts', 'resolve-child': 'bench/resolve-child.ts' });
}

export async function startProviderServer(): Promise<{ url: string; stop(): void }> {
  const server = spawn(process.execPath, ['--import', 'tsx', 'bench/provider-server.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((done) => server.stdout!.once('data', (chunk: Buffer) => done(chunk.toString().trim())));
  return { url, stop: () => server.kill() };
}

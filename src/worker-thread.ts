// Node-only: starts one of our worker threads (src/**/NAME-worker.ts) the way the running program
// was started. Bundled (`npm start`, dist/node/), the worker is the bundle of the same name beside
// this one. From the TypeScript source (tests), tsx's loader hooks stay in the thread that
// registered them (and a worker ignores --import): the worker registers its own first.
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** `source`: the worker's TypeScript file, as `new URL('./NAME-worker.ts', import.meta.url)` in its caller. */
export function startWorker(source: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = JSON.stringify(fromSource ? source.href : source.href.replace(/\.ts$/, '.js'));
  const boot = fromSource ? `import('tsx/esm/api').then(({ register }) => { register(); return import(${entry}); })` : `import(${entry})`;
  return new Worker(boot, { ...options, eval: true });
}

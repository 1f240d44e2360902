// The members CSV read and validated on a worker thread (member-rows-worker.ts) while this thread
// writes: on 1M rows both take seconds of CPU, and one thread would add them up.
import { Worker } from 'node:worker_threads';
import type { MemberRowEvent } from '../core/imports/member-import.js';
import { ImportFileError } from '../core/imports/rejections.js';

export interface MemberRowsJob {
  file: string;
  chunkRows?: number;
  skipInvalid?: boolean;
}

export type FromWorker =
  | { type: 'event'; event: MemberRowEvent; bytesRead: number }
  | { type: 'end' }
  | { type: 'error'; message: string; fileError: boolean };

export interface MemberRowsThread {
  events: AsyncIterable<MemberRowEvent>;
  /** Bytes of the file read so far, for the progress bar. */
  bytesRead(): number;
}

export function memberRowsOnWorker(job: MemberRowsJob): MemberRowsThread {
  // Bundled (`npm run import`, dist/node/), the worker is the bundle beside this one. From the
  // TypeScript source, tsx's loader hooks stay in the thread that registered them (and a worker
  // ignores --import): the worker registers its own before loading the source.
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = JSON.stringify(new URL(fromSource ? './member-rows-worker.ts' : './member-rows-worker.js', import.meta.url).href);
  const boot = fromSource ? `import('tsx/esm/api').then(({ register }) => { register(); return import(${entry}); })` : `import(${entry})`;
  // A young generation this size keeps the short-lived strings of each row out of the old one
  // (measured on 1M rows: 1.4 s less CPU in that thread than with 48 MB).
  const worker = new Worker(boot, { eval: true, workerData: job, resourceLimits: { maxYoungGenerationSizeMb: 192 } });
  const queue: FromWorker[] = [];
  let waiting: ((message: FromWorker) => void) | undefined;
  let bytesRead = 0;
  const deliver = (message: FromWorker) => {
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve(message);
    } else queue.push(message);
  };
  worker.on('message', deliver);
  worker.on('error', (error) => deliver({ type: 'error', message: error.message, fileError: false }));
  worker.on('exit', (code) => deliver(code === 0 ? { type: 'end' } : { type: 'error', message: `the reader thread stopped (exit code ${code})`, fileError: false }));
  const next = () => new Promise<FromWorker>((resolve) => (queue.length > 0 ? resolve(queue.shift()!) : (waiting = resolve)));

  async function* events(): AsyncGenerator<MemberRowEvent> {
    try {
      for (;;) {
        const message = await next();
        if (message.type === 'end') return;
        if (message.type === 'error') throw message.fileError ? new ImportFileError(message.message) : new Error(message.message);
        bytesRead = message.bytesRead;
        worker.postMessage('credit');
        yield message.event;
      }
    } finally {
      await worker.terminate();
    }
  }
  return { events: events(), bytesRead: () => bytesRead };
}

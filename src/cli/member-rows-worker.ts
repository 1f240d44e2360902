// Worker thread: reads and validates a members CSV (memberRowEvents) and posts its events to the
// thread that writes them (member-rows-thread.ts), at most IN_FLIGHT ahead of it.
import { createReadStream, readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { memberRowEvents } from '../core/imports/member-import.js';
import { ImportFileError } from '../core/imports/rejections.js';
import type { FromWorker, MemberRowsJob } from './member-rows-thread.js';

const IN_FLIGHT = 4;

// The writing thread is the import's critical path; on a machine with few cores this thread
// would slow it down, so it yields the CPU first (Linux: a thread's own id from /proc; niceness
// applies per thread there). Elsewhere it keeps its priority.
try {
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 10);
} catch {
  // not Linux, or not allowed
}
const port = parentPort!;
const job = workerData as MemberRowsJob;
let credits = IN_FLIGHT;
let wake: (() => void) | undefined;
port.on('message', () => {
  credits++;
  wake?.();
});

const post = (message: FromWorker) => port.postMessage(message);

try {
  // 1 MiB reads: with the default 64 KiB, reading cost a third more per row.
  const stream = createReadStream(job.file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  for await (const event of memberRowEvents(stream, { chunkRows: job.chunkRows, skipInvalid: job.skipInvalid })) {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    credits--;
    post({ type: 'event', event, bytesRead: stream.bytesRead });
  }
  post({ type: 'end' });
} catch (error) {
  post({ type: 'error', message: error instanceof Error ? error.message : String(error), fileError: error instanceof ImportFileError });
}

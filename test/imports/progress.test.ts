import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (text: string) => writes.push(text) } };
}

describe('import progress', () => {
  it('redraws one bar on a terminal with rows, estimated total, rate and elapsed time', () => {
    let now = 0;
    const { writes, stream } = fakeStream(true);
    const progress = createProgress('members', 1000, stream, () => now);
    now = 2000;
    progress.update(50_000, 250);
    now = 2050; // too soon to redraw
    progress.update(60_000, 300);
    now = 4000;
    progress.update(100_000, 500);
    progress.done();
    expect(writes).toEqual([
      '\r\x1b[Kmembers [######..................]  25%  50,000 / ~200,000 rows  25,000 rows/s  2.0 s',
      '\r\x1b[Kmembers [############............]  50%  100,000 / ~200,000 rows  25,000 rows/s  4.0 s',
      '\r\x1b[K',
    ]);
  });

  it('writes a few plain lines when stderr is not a terminal', () => {
    let now = 0;
    const { writes, stream } = fakeStream(false);
    const progress = createProgress('members', 1000, stream, () => now);
    for (now = 0; now <= 12_000; now += 100) progress.update(now * 10, now / 12);
    progress.phase('merging 120,000 rows…');
    progress.done();
    expect(writes).toEqual([
      'members: 41% read, 50,000 / ~120,000 rows  10,000 rows/s  5.0 s\n',
      'members: 83% read, 100,000 / ~120,000 rows  10,000 rows/s  10.0 s\n',
      'members: merging 120,000 rows…\n',
    ]);
  });
});

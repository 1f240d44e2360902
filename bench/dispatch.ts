// npm run bench -- dispatch: sending figures on the embedded file database, each measured in its
// own process against bench/provider-server.ts (another process): 100,000 emails and their bare
// floor, 10,000 SMS, an idle tick over 10,000 past invitations, and the peak memory while an
// invitation to 1,000,000 members is opened and sent.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRunnerBundles, DISPATCH_CHILD_BUNDLE, root, RUNNER_FLAGS, startProviderServer } from './runner-process.js';

type Figures = Record<string, number>;

function child(env: Record<string, string>, args: string[]): Figures | undefined {
  const run = spawnSync(process.execPath, [...RUNNER_FLAGS, DISPATCH_CHILD_BUNDLE, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`dispatch-child ${args.join(' ')} failed: ${run.stderr.slice(-2000)}`);
  const out = run.stdout.trim();
  return out ? (JSON.parse(out.split('\n').pop()!) as Figures) : undefined;
}

/** A fresh database, prepared in one process and measured in another. */
function measure(providerUrl: string, prepare: string[], run: string[]): Figures {
  const dir = mkdtempSync(join(tmpdir(), 'bench-dispatch-'));
  try {
    const env = { DATABASE_URL: `file:${join(dir, 'db.sqlite')}`, PROVIDER_URL: providerUrl };
    if (prepare.length > 0) child(env, prepare);
    return child(env, run)!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Send-and-floor pairs: the machine's speed drifts over minutes, so each ratio is taken from a send and the floor right after it. */
const EMAIL_PAIRS = 3;

interface EmailPair {
  email: Figures;
  floor: Figures;
  perS: number;
  floorPerS: number;
  ratio: number;
}

function emailPair(providerUrl: string): EmailPair {
  const email = measure(providerUrl, ['prepare', '100000', 'email'], ['send']);
  const floor = measure(providerUrl, ['prepare', '500', 'email'], ['floor', '100000', '1']);
  const perS = (email.sent! / email.sendMs!) * 1000;
  const floorPerS = (floor.sent! / floor.ms!) * 1000;
  return { email, floor, perS, floorPerS, ratio: floorPerS / perS };
}

export async function benchDispatch(): Promise<Figures> {
  await buildRunnerBundles();
  const provider = await startProviderServer();
  try {
    const pairs: EmailPair[] = [];
    for (let i = 1; i <= EMAIL_PAIRS; i++) {
      console.error(`[dispatch] 100,000 emails, then the bare floor: the same batches posted in a loop, one at a time (pair ${i} of ${EMAIL_PAIRS})…`);
      pairs.push(emailPair(provider.url));
    }
    pairs.sort((a, b) => a.ratio - b.ratio);
    // The pair with the median ratio gives every email figure, so they come from one pair.
    const { email, floor, perS: emailPerS, floorPerS } = pairs[Math.floor(pairs.length / 2)]!;
    console.error('[dispatch] the bare floor with two batches in flight, like the runner…');
    const floorTwo = measure(provider.url, ['prepare', '500', 'email'], ['floor', '100000', '2']);
    console.error('[dispatch] 10,000 SMS…');
    const sms = measure(provider.url, ['prepare', '10000', 'sms'], ['send']);
    console.error('[dispatch] an idle tick over 10,000 past invitations…');
    const idle = measure(provider.url, [], ['idle']);
    console.error('[dispatch] 1,000,000 emails (peak memory)…');
    const million = measure(provider.url, ['prepare', '1000000', 'email'], ['send']);
    const floorTwoPerS = (floorTwo.sent! / floorTwo.ms!) * 1000;
    return {
      email_dispatch_per_s: emailPerS,
      email_dispatch_sent: email.sent!,
      email_dispatch_open_ms: email.openMs!,
      email_dispatch_floor_per_s: floorPerS,
      email_dispatch_batch_bytes: floor.batchBytes!,
      email_dispatch_floor_ratio: floorPerS / emailPerS,
      email_dispatch_floor_ratio_min: pairs[0]!.ratio,
      email_dispatch_floor_ratio_max: pairs[pairs.length - 1]!.ratio,
      email_dispatch_pairs: EMAIL_PAIRS,
      email_dispatch_floor_2_in_flight_per_s: floorTwoPerS,
      email_dispatch_floor_2_in_flight_ratio: floorTwoPerS / emailPerS,
      sms_dispatch_per_s: (sms.sent! / sms.sendMs!) * 1000,
      sms_dispatch_sent: sms.sent!,
      idle_tick_ms: idle.medianMs!,
      idle_tick_max_ms: idle.maxMs!,
      dispatch_peak_rss_mb: million.peakRssMb!,
      dispatch_1m_sent: million.sent!,
      dispatch_1m_open_s: million.openMs! / 1000,
      dispatch_1m_send_s: million.sendMs! / 1000,
      dispatch_1m_per_s: (million.sent! / million.sendMs!) * 1000,
    };
  } finally {
    provider.stop();
  }
}

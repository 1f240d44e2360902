// npm run bench -- worker: the Cloudflare Worker's bundle as `wrangler deploy --dry-run` builds it
// (Cloudflare's limit on the free plan: 3 MB compressed).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

export function benchWorker(): Record<string, number> {
  const out = mkdtempSync(join(tmpdir(), 'worker-bundle-'));
  try {
    const build = spawnSync(process.execPath, [join(root, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', '--dry-run', '--outdir', out], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`wrangler deploy --dry-run failed: ${(build.stderr || build.stdout).slice(-2000)}`);
    const files = readdirSync(out).filter((f) => f.endsWith('.js'));
    const bytes = files.reduce((sum, f) => sum + statSync(join(out, f)).size, 0);
    const gzipped = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(out, f))).length, 0);
    return { worker_bundle_kb: bytes / 1024, worker_bundle_gzip_kb: gzipped / 1024 };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

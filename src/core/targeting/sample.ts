import { sql, type SQL } from 'drizzle-orm';

// A seeded random order of members computed inside libSQL: sorting by a keyed hash of the member's
// id and taking the first N is a uniform draw without replacement that the seed reproduces exactly.
// SQLite has no hash function and turns 64-bit overflow into floats, so the hash chains affine maps
// modulo two different primes below 2^31 (products stay below 2^62); the change of modulus between
// rounds breaks the linearity a single affine map would keep. Each round reads the previous one
// once, so the expression stays small: it is evaluated for every member of the pool.

const P1 = 2147483647; // 2^31 − 1
const P2 = 2147483629; // the largest prime below it

function fnv1a(text: string, basis: number): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h;
}

const constant = (seed: string, basis: number, modulus: number): SQL => sql.raw(String((fnv1a(seed, basis) % (modulus - 1)) + 1));
const affine = (x: SQL, a: SQL, b: SQL, modulus: number): SQL => sql`(((${x}) % ${sql.raw(String(modulus))}) * ${a} + ${b}) % ${sql.raw(String(modulus))}`;

/** SQL expression: the sort key of integer column `id` under `seed`. Constants are integers derived here, never user text. */
export function sampleKey(id: SQL, seed: string): SQL {
  const round1 = affine(id, constant(seed, 0x811c9dc5, P1), constant(seed, 0x01000193, P1), P1);
  const round2 = affine(round1, constant(seed, 0x9e3779b9, P2), constant(seed, 0x85ebca6b, P2), P2);
  return affine(round2, constant(seed, 0xc2b2ae35, P1), constant(seed, 0x27d4eb2f, P1), P1);
}

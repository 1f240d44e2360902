import { sql, type SQL } from 'drizzle-orm';

// A seeded random order of members computed inside libSQL: sorting by a keyed hash of the member's
// id and taking the first N is a uniform draw without replacement that the seed reproduces exactly.
// SQLite has no hash function and turns 64-bit overflow into floats, so the hash is built from
// affine maps modulo the Mersenne prime 2^31−1 (products stay below 2^62) and xor-shifts
// (a xor b = (a | b) − (a & b), as SQLite has no xor operator).

const P = 2147483647;

function fnv1a(text: string, basis: number): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h;
}

function seedConstants(seed: string): number[] {
  return [0x811c9dc5, 0x01000193, 0x9e3779b9, 0x85ebca6b, 0xc2b2ae35].map((basis) => (fnv1a(seed, basis) % (P - 1)) + 1);
}

const xorShift = (x: SQL, bits: number): SQL => sql`((${x}) | ((${x}) >> ${sql.raw(String(bits))})) - ((${x}) & ((${x}) >> ${sql.raw(String(bits))}))`;
const affine = (x: SQL, a: number, b: number): SQL => sql`((((${x}) % ${sql.raw(String(P))}) * ${sql.raw(String(a))} + ${sql.raw(String(b))}) % ${sql.raw(String(P))})`;

/** SQL expression: the sort key of integer column `id` under `seed`. Constants are integers derived here, never user text. */
export function sampleKey(id: SQL, seed: string): SQL {
  const [a1, b1, a2, b2, a3] = seedConstants(seed) as [number, number, number, number, number];
  const round1 = xorShift(affine(id, a1, b1), 16);
  const round2 = xorShift(affine(round1, a2, b2), 13);
  return affine(round2, a3, b1 ^ b2);
}

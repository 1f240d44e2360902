import { sql, type SQL } from 'drizzle-orm';

// A seeded random order of members computed inside libSQL. The seed picks a permutation of the id
// range [0, 2^bits) that maps each place in the sample order to an id (memberAtPlace; its inverse,
// placeOfMember, gives a member's place), and a sample of N is the first N eligible members in
// that order, a uniform draw without replacement that the seed reproduces exactly. Being a permutation, it can also be walked from the front:
// place 0, 1, 2 … give the ids to look up, so a sample of 10,000 from a pool of 1,000,000 reads
// about 12,000 members instead of ordering all of them.
//
// The permutation is a three-round Feistel network over the two halves of the id's bits, whose
// round function is an affine map modulo a prime below 2^31 (SQLite has no hash function and
// turns 64-bit overflow into floats; halves of at most 31 bits keep every product below 2^62).
// SQL has no variables, so each round repeats the previous ones inside its expression: three
// rounds evaluate the round function six times per member.

const PRIME = 2147483647; // 2^31 − 1
/** Halves of at most 31 bits: ids below 2^62. */
const MAX_BITS = 62;
const ROUNDS = 3;

function fnv1a(text: string, basis: number): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h;
}

/** The permutation a seed picks for ids below 2^bits. */
export interface SampleOrder {
  bits: number;
  /** Per round: multiplier (1 … PRIME − 1) and offset of the round function. */
  keys: { a: number; c: number }[];
}

const BASES = [0x811c9dc5, 0x9e3779b9, 0xc2b2ae35, 0x27d4eb2f, 0x85ebca6b, 0x01000193];

/** The sample order of `seed` over ids up to `maxId` (the members table's highest id). */
export function sampleOrder(seed: string, maxId: number): SampleOrder {
  const bits = Math.max(2, Math.max(0, Math.floor(maxId)).toString(2).length);
  if (bits > MAX_BITS) throw new Error(`member ids above 2^${MAX_BITS} cannot be sampled`);
  const keys = Array.from({ length: ROUNDS }, (_, r) => ({
    a: (fnv1a(seed, BASES[2 * r]!) % (PRIME - 1)) + 1,
    c: fnv1a(seed, BASES[2 * r + 1]!) % PRIME,
  }));
  return { bits, keys };
}

/** The size of the id range the order permutes: walking this many places visits every member. */
export function orderLength(order: SampleOrder): number {
  return 2 ** order.bits;
}

const int = (n: number): SQL => sql.raw(String(n));

/**
 * Widths of the halves: the high half of a place has `high` bits, the low half `low`. A round
 * turns (L, R) into (R, L + F(R) mod 2^|L|), so the widths swap every round.
 */
function widths(order: SampleOrder): { high: number; low: number } {
  const high = Math.floor(order.bits / 2);
  return { high, low: order.bits - high };
}

function roundFunction(order: SampleOrder, round: number, x: SQL): SQL {
  const { a, c } = order.keys[round]!;
  return sql`((${x}) * ${int(a)} + ${int(c)}) % ${int(PRIME)}`;
}

const mask = (width: number): SQL => int(2 ** width - 1);

/** SQL expression: the member id at place `place` (an integer expression) of the order. */
export function memberAtPlace(order: SampleOrder, place: SQL): SQL {
  const { high, low } = widths(order);
  let left = { expr: sql`((${place}) >> ${int(low)})`, width: high };
  let right = { expr: sql`((${place}) & ${mask(low)})`, width: low };
  for (let r = 0; r < ROUNDS; r++) {
    const mixed = { expr: sql`((${left.expr}) + ${roundFunction(order, r, right.expr)}) & ${mask(left.width)}`, width: left.width };
    left = right;
    right = mixed;
  }
  return sql`((${left.expr}) << ${int(right.width)} | (${right.expr}))`;
}

/** SQL expression: the place of member id `id` (an integer expression) in the order; the inverse of memberAtPlace. */
export function placeOfMember(order: SampleOrder, id: SQL): SQL {
  const { high, low } = widths(order);
  // After an odd number of rounds the output's halves are swapped: its high part is `low` wide.
  const outHigh = ROUNDS % 2 === 0 ? high : low;
  const outLow = order.bits - outHigh;
  let left = { expr: sql`((${id}) >> ${int(outLow)})`, width: outHigh };
  let right = { expr: sql`((${id}) & ${mask(outLow)})`, width: outLow };
  for (let r = ROUNDS - 1; r >= 0; r--) {
    // Undo (L, R) → (R, L + F(R)): the earlier R is the current L, the earlier L is R − F(L).
    const earlierLeft = { expr: sql`((${right.expr}) - ${roundFunction(order, r, left.expr)}) & ${mask(right.width)}`, width: right.width };
    right = left;
    left = earlierLeft;
  }
  return sql`((${left.expr}) << ${int(right.width)} | (${right.expr}))`;
}

// Where demo members live: country, region, time zone, postal code and phone shapes that agree.
import type { Random } from './random.js';

export interface Place {
  country: string;
  /** The attribute naming the region: province (CA), state (US), none elsewhere. */
  regionKey?: 'province' | 'state';
  region?: string;
  timeZone: string;
  cities: readonly string[];
  /** Locales members there prefer; null = not set. */
  locales: readonly (readonly [string | null, number])[];
  postalCode(random: Random): string;
  /** A number from a range each numbering plan reserves for fiction. */
  phone(random: Random): string;
  weight: number;
}

const letters = 'ABCEGHJKLMNPRSTVWXYZ'; // the letters Canada Post uses
const digit = (r: Random) => String(r.int(0, 9));
const letter = (r: Random) => r.pick([...letters]);

function canadianPostalCode(first: string) {
  return (r: Random) => `${r.pick([...first])}${digit(r)}${letter(r)} ${digit(r)}${letter(r)}${digit(r)}`;
}

/** US ZIP codes in [from, to], written with five digits: New England's start with 0. */
function zip(from: number, to: number) {
  return (r: Random) => String(r.int(from, to)).padStart(5, '0');
}

/** 555-0100 to 555-0199 is the North American range reserved for fiction. */
function nanpPhone(areaCodes: readonly number[]) {
  return (r: Random) => `+1${r.pick(areaCodes)}55501${String(r.int(0, 99)).padStart(2, '0')}`;
}

// 100 fictional numbers per area code run out fast: members who moved keep an out-of-region number.
const countryPhones: Record<string, (r: Random) => string> = {
  CA: nanpPhone([204, 226, 236, 249, 250, 289, 306, 343, 365, 403, 416, 418, 431, 437, 438, 450, 506, 514, 519, 548, 579, 581, 587, 604, 613, 639, 647, 672, 705, 709, 778, 780, 782, 807, 819, 825, 867, 873, 902, 905]),
  US: nanpPhone([201, 202, 206, 212, 213, 214, 215, 216, 281, 303, 305, 310, 312, 313, 314, 323, 347, 404, 405, 408, 410, 412, 415, 469, 502, 503, 504, 508, 510, 512, 513, 602, 614, 615, 617, 619, 646, 650, 702, 703, 704, 713, 718, 720, 727, 757, 773, 786, 801, 813, 816, 818, 832, 857, 904, 916, 917, 919, 949, 971]),
};

/** A number no one in `taken` has yet, or undefined if the fictional ranges seem exhausted. */
export function freshPhone(place: Place, random: Random, taken: Set<string>): string | undefined {
  const fallback = countryPhones[place.country];
  for (let attempt = 0; attempt < 20; attempt++) {
    const phone = attempt < 3 || !fallback ? place.phone(random) : fallback(random);
    if (!taken.has(phone)) return phone;
  }
  return undefined;
}

const english: Place['locales'] = [['en-US', 85], ['fr-CA', 5], [null, 10]];

export const places: readonly Place[] = [
  { country: 'CA', regionKey: 'province', region: 'QC', timeZone: 'America/Toronto', cities: ['Montréal', 'Québec', 'Laval', 'Gatineau', 'Sherbrooke'], locales: [['fr-CA', 80], ['en-US', 12], [null, 8]], postalCode: canadianPostalCode('HGJ'), phone: nanpPhone([514, 438, 418, 450, 819]), weight: 20 },
  { country: 'CA', regionKey: 'province', region: 'ON', timeZone: 'America/Toronto', cities: ['Toronto', 'Ottawa', 'Hamilton', 'London', 'Kingston'], locales: [['en-US', 80], ['fr-CA', 12], [null, 8]], postalCode: canadianPostalCode('MKLNP'), phone: nanpPhone([416, 647, 613, 905, 519]), weight: 16 },
  { country: 'CA', regionKey: 'province', region: 'NB', timeZone: 'America/Moncton', cities: ['Moncton', 'Fredericton'], locales: [['fr-CA', 45], ['en-US', 45], [null, 10]], postalCode: canadianPostalCode('E'), phone: nanpPhone([506]), weight: 2 },
  { country: 'CA', regionKey: 'province', region: 'BC', timeZone: 'America/Vancouver', cities: ['Vancouver', 'Victoria', 'Burnaby'], locales: english, postalCode: canadianPostalCode('V'), phone: nanpPhone([604, 778, 250]), weight: 7 },
  { country: 'CA', regionKey: 'province', region: 'AB', timeZone: 'America/Edmonton', cities: ['Calgary', 'Edmonton'], locales: english, postalCode: canadianPostalCode('T'), phone: nanpPhone([403, 587, 780]), weight: 4 },
  { country: 'US', regionKey: 'state', region: 'MA', timeZone: 'America/New_York', cities: ['Boston', 'Cambridge', 'Worcester'], locales: english, postalCode: zip(1001, 2791), phone: nanpPhone([617, 857, 508]), weight: 5 },
  { country: 'US', regionKey: 'state', region: 'NJ', timeZone: 'America/New_York', cities: ['Newark', 'Jersey City', 'Princeton'], locales: english, postalCode: zip(7001, 8989), phone: nanpPhone([201, 609, 973]), weight: 4 },
  { country: 'US', regionKey: 'state', region: 'NY', timeZone: 'America/New_York', cities: ['New York', 'Buffalo', 'Albany'], locales: english, postalCode: zip(10001, 14925), phone: nanpPhone([212, 646, 718, 518]), weight: 8 },
  { country: 'US', regionKey: 'state', region: 'IL', timeZone: 'America/Chicago', cities: ['Chicago', 'Springfield'], locales: english, postalCode: zip(60001, 62999), phone: nanpPhone([312, 773, 217]), weight: 5 },
  { country: 'US', regionKey: 'state', region: 'TX', timeZone: 'America/Chicago', cities: ['Austin', 'Houston', 'Dallas'], locales: [['en-US', 80], [null, 20]], postalCode: zip(75001, 79999), phone: nanpPhone([512, 713, 214]), weight: 5 },
  { country: 'US', regionKey: 'state', region: 'CO', timeZone: 'America/Denver', cities: ['Denver', 'Boulder'], locales: english, postalCode: zip(80001, 81658), phone: nanpPhone([303, 720]), weight: 3 },
  { country: 'US', regionKey: 'state', region: 'CA', timeZone: 'America/Los_Angeles', cities: ['San Francisco', 'Los Angeles', 'San Diego'], locales: english, postalCode: zip(90001, 96162), phone: nanpPhone([415, 213, 619, 510]), weight: 8 },
  { country: 'US', regionKey: 'state', region: 'WA', timeZone: 'America/Los_Angeles', cities: ['Seattle', 'Spokane'], locales: english, postalCode: zip(98001, 99403), phone: nanpPhone([206, 509]), weight: 3 },
  // Ofcom and ARCEP reserve these ranges for drama and fiction.
  { country: 'FR', timeZone: 'Europe/Paris', cities: ['Paris', 'Lyon', 'Marseille', 'Lille'], locales: [['fr-CA', 40], ['fr-FR', 40], [null, 20]], postalCode: (r) => r.pick(['75', '69', '13', '59']) + String(r.int(0, 20)).padStart(3, '0'), phone: (r) => `+3363998${String(r.int(0, 9999)).padStart(4, '0')}`, weight: 5 },
  { country: 'GB', timeZone: 'Europe/London', cities: ['London', 'Manchester', 'Edinburgh'], locales: [['en-US', 60], ['en-GB', 25], [null, 15]], postalCode: (r) => `${r.pick(['SW1A', 'EC1A', 'M1', 'EH1'])} ${digit(r)}${letter(r)}${letter(r)}`, phone: (r) => `+447700900${String(r.int(0, 999)).padStart(3, '0')}`, weight: 5 },
];

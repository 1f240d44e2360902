// SMS length in segments, as carriers bill it (3GPP TS 23.038; Twilio's segment calculator).

const GSM7_BASIC = new Set(
  '\n\r !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz¡£¤¥§¿ÄÅÆÇÉÑÖØÜßàäåæèéìñòöøùüΓΔΘΛΞΠΣΦΨΩ',
);
const GSM7_EXTENSION = new Set('\f[\\]^{|}~€');

export interface SmsLength {
  encoding: 'GSM-7' | 'UCS-2';
  /** Characters as a person counts them (code points). */
  characters: number;
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
}

/** Packs units into segments without splitting an escape sequence or a surrogate pair. */
function pack(unitSizes: number[], single: number, perSegment: number): number {
  const total = unitSizes.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  if (total <= single) return 1;
  let segments = 1;
  let used = 0;
  for (const size of unitSizes) {
    if (used + size > perSegment) {
      segments++;
      used = 0;
    }
    used += size;
  }
  return segments;
}

export function measureSms(body: string): SmsLength {
  const chars = Array.from(body);
  const isGsm = chars.every((c) => GSM7_BASIC.has(c) || GSM7_EXTENSION.has(c));
  if (isGsm) {
    const sizes = chars.map((c) => (GSM7_EXTENSION.has(c) ? 2 : 1));
    return { encoding: 'GSM-7', characters: chars.length, units: sizes.reduce((a, b) => a + b, 0), segments: pack(sizes, 160, 153) };
  }
  const sizes = chars.map((c) => c.length);
  return { encoding: 'UCS-2', characters: chars.length, units: body.length, segments: pack(sizes, 70, 67) };
}

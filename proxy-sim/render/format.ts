/**
 * Number formatting that must match Go's fmt byte for byte.
 */

/** fmt.Sprintf("%#08x", 1<<bit): Go zero-pads the digits to the width and then adds "0x". */
export function masqueradeMark(bit: number): string {
  return '0x' + (2 ** bit).toString(16).padStart(8, '0');
}

const probabilities: string[] = [];

/**
 * fmt.Sprintf("%0.10f", 1.0/float64(n)), cached as upstream caches it. V8's toFixed and Go
 * both convert the exact binary value, but on an exact tie toFixed rounds up and Go rounds
 * to even. A tie needs the double to end exactly at the 11th decimal; that happens only for
 * 1/2048 among the values used here, but the check is general.
 */
export function probability(n: number): string {
  let s = probabilities[n];
  if (s === undefined) {
    s = formatFixed10(1 / n);
    probabilities[n] = s;
  }
  return s;
}

function formatFixed10(x: number): string {
  const rounded = x.toFixed(10);
  if (binaryFractionDigits(x) !== 11) return rounded;
  // Exactly 11 decimals, the last one a 5: keep the truncated value if its last digit is even.
  const truncated = x.toFixed(11).slice(0, -1);
  return Number(truncated[truncated.length - 1]) % 2 === 0 ? truncated : rounded;
}

/** The k for which x·2^k is the first integer; x terminates after exactly k decimals. */
function binaryFractionDigits(x: number): number {
  let k = 0;
  while (!Number.isInteger(x) && k < 1100) {
    x *= 2;
    k++;
  }
  return k;
}

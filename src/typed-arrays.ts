/** Growing typed arrays, for tables and counts whose final size is known only at the end. */

type Growable = Uint8Array | Uint32Array | Float64Array;

/**
 * A copy of `old`, of its own type, whose length is doubled until it holds `needed`
 * elements: growing by doubling keeps the copying to a constant per element.
 */
export function grown<A extends Growable>(old: A, needed: number): A {
  let length = Math.max(1, old.length * 2);
  while (length < needed) length *= 2;
  const bigger = new (old.constructor as new (length: number) => A)(length);
  bigger.set(old);
  return bigger;
}

/**
 * The common shape of the synthetic key generators (zipf, uniform, scan, mix): each yields
 * key labels, integers in 0..labels-1, one per call. Labels are what a generated trace's
 * `keyNames` show; spec.ts turns them into dense ids in first-seen order.
 */
export interface KeyGenerator {
  /** How many distinct labels this generator can produce: they are 0..labels-1. */
  readonly labels: number;
  /** The next key label. Allocates nothing. */
  next(): number;
}

/**
 * A weighted mixture of key generators: each request picks component i with probability
 * weight_i / sum(weights), then takes that component's next key. A component only advances
 * when it is picked, so a scan mixed in at 20% still walks its keys in order, just
 * interleaved with the others.
 *
 * Key spaces: by default ('disjoint') component i's labels are shifted past those of the
 * components before it, so `zipf(keys=1000)*0.8+scan(keys=500)*0.2` has labels 0..999 for the
 * zipf part and 1000..1499 for the scan. This is the classic "hot set polluted by a scan":
 * the scan's keys are never hot and only push hot keys out. With 'shared' every component
 * draws from the same labels 0..max(keys)-1, so e.g. a scan also touches the hot keys.
 */
import type { KeyGenerator } from './generator.js';
import type { Rng } from './rng.js';

export type MixKeySpace = 'disjoint' | 'shared';

export interface MixPart {
  readonly generator: KeyGenerator;
  /** Relative weight, > 0; weights need not sum to 1. */
  readonly weight: number;
}

export class MixGenerator implements KeyGenerator {
  readonly labels: number;
  private readonly generators: KeyGenerator[];
  private readonly offsets: Float64Array;
  /** Cumulative probabilities; the last is exactly 1 so a draw always lands somewhere. */
  private readonly cumulative: Float64Array;

  constructor(
    parts: readonly MixPart[],
    private readonly rng: Rng,
    readonly keySpace: MixKeySpace = 'disjoint',
  ) {
    if (parts.length === 0) throw new RangeError('a mix needs at least one component');
    const total = parts.reduce((sum, part) => sum + part.weight, 0);
    if (!parts.every((part) => part.weight > 0 && Number.isFinite(part.weight))) {
      throw new RangeError('mix weights must be positive finite numbers');
    }
    this.generators = parts.map((part) => part.generator);
    this.offsets = new Float64Array(parts.length);
    this.cumulative = new Float64Array(parts.length);
    let labels = 0;
    let running = 0;
    parts.forEach((part, i) => {
      if (keySpace === 'disjoint') {
        this.offsets[i] = labels;
        labels += part.generator.labels;
      } else {
        labels = Math.max(labels, part.generator.labels);
      }
      running += part.weight;
      this.cumulative[i] = i === parts.length - 1 ? 1 : running / total;
    });
    this.labels = labels;
  }

  next(): number {
    const u = this.rng.nextFloat();
    let i = 0;
    while (u >= this.cumulative[i]!) i++;
    return this.offsets[i]! + this.generators[i]!.next();
  }
}

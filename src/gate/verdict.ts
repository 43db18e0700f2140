/**
 * The outcome of one gate on one result row: data first (numbers, comparison), plus the
 * text people read. The CLI lists them and exits 1 when any is not ok.
 */
import type { MetricName } from './metrics.js';

export type Comparison = '>=' | '<=' | '>' | '<' | '==';

/** One gate's outcome: what was checked, the actual and required values, and whether it held. */
export interface Verdict {
  /** What was checked: the assertion text, or `<row>.<metric> vs baseline`. */
  readonly gate: string;
  readonly source: 'assert' | 'baseline';
  /** The row checked, in assertion syntax (`lru@1024`). */
  readonly row: string;
  readonly metric: MetricName;
  readonly comparison: Comparison;
  readonly actualValue: number;
  readonly requiredValue: number;
  /** Formatted actual value, e.g. `87.50%` or `1.2ms`. */
  readonly actual: string;
  /** Formatted requirement, e.g. `>= 85.00%`. */
  readonly required: string;
  readonly ok: boolean;
}

/** Floating-point slack so that a rate equal to its threshold on paper is not failed by rounding. */
const EPSILON = 1e-12;

export function compare(actual: number, comparison: Comparison, required: number): boolean {
  switch (comparison) {
    case '>=':
      return actual >= required - EPSILON;
    case '<=':
      return actual <= required + EPSILON;
    case '>':
      return actual > required;
    case '<':
      return actual < required;
    case '==':
      return Math.abs(actual - required) <= EPSILON;
  }
}

/** One line per verdict: `lru@1024.hitRate>=0.85: actual 80.00%, required >= 85.00%`. */
export function describeVerdict(verdict: Verdict): string {
  return `${verdict.gate}: actual ${verdict.actual}, required ${verdict.required}`;
}

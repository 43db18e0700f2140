/**
 * JSON output: the result object as is. Key order is fixed by how the object is built, so
 * the same inputs and seed give byte-identical text. Non-finite numbers (an infinite
 * speed-up when latency is zero) become null, as JSON has no Infinity.
 */
import type { RunResult } from '../model/result.js';

export function renderJson(result: RunResult): string {
  return JSON.stringify(result, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2) + '\n';
}

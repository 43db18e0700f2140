/**
 * A grid split over machines: `--shard K/N` computes the K-th of N deterministic slices of a
 * command's work and writes a part; `merge` gathers the parts and finishes the command as if
 * it had computed every unit itself, so the merged result is the unsharded one, byte for byte.
 *
 * A unit is the smallest piece of work whose result stands alone: one job of the replay core
 * (one cell of the grid), or one one-pass curve of a sweep (every size of an exact LRU curve
 * in a single read). Everything after the units (rows, recommendations, the best choice,
 * charts) is cheap and is done once, by merge, from the same code the unsharded run uses.
 *
 * Slices are balanced by each unit's cost hint (jobCost): longest processing time first, each
 * unit to the slice with the least work so far, ties to the lower unit and slice. The split
 * depends only on the units, so every machine computes the same one without talking.
 *
 * Unit results travel as plain JSON: typed arrays as base64 of their bytes and non-finite
 * numbers as text, so a part is read back exactly as it was computed.
 */
import type { Hash } from 'node:crypto';
import { nodeCrypto } from '../lazy-builtins.js';
import { UsageError } from '../errors.js';
import { wholeChunk } from '../trace/chunks.js';
import type { Trace, TraceChunk } from '../trace/trace.js';

/** The K-th (1-based) of N slices. */
export interface Slice {
  readonly index: number;
  readonly count: number;
}

/** The most slices a grid is split into: beyond this a slice holds too little to be worth a machine. */
export const MAX_SLICES = 10_000;

/** `K/N`, as `--shard` takes it (1 ≤ K ≤ N). */
export function parseSlice(text: string, option = 'shard'): Slice {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (match === null) throw new UsageError(`'${text}' is not K/N (the K-th of N slices, e.g. 2/3)`, option);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > MAX_SLICES) throw new UsageError(`'${text}': N must be from 1 to ${MAX_SLICES}`, option);
  if (index < 1 || index > count) throw new UsageError(`'${text}': K must be from 1 to N (${count})`, option);
  return { index, count };
}

/** Which slice (0-based) each unit belongs to: longest first, to the least loaded slice. */
export function assignSlices(costs: readonly number[], count: number): Uint32Array {
  const order = costs.map((_, unit) => unit).sort((a, b) => costs[b]! - costs[a]! || a - b);
  const load = new Float64Array(count);
  const owner = new Uint32Array(costs.length);
  for (const unit of order) {
    let least = 0;
    for (let s = 1; s < count; s++) if (load[s]! < load[least]!) least = s;
    owner[unit] = least;
    load[least] = load[least]! + costs[unit]!;
  }
  return owner;
}

/** The units of `slice`, in unit order. */
export function unitsOfSlice(costs: readonly number[], slice: Slice): number[] {
  const owner = assignSlices(costs, slice.count);
  const units: number[] = [];
  for (let unit = 0; unit < costs.length; unit++) if (owner[unit] === slice.index - 1) units.push(unit);
  return units;
}

/** A command's work as units: each unit's cost hint, the work's fingerprint, and how to compute some units. */
export interface Work {
  readonly costs: readonly number[];
  readonly fingerprint: string;
  /** The results of `units` (unit indices, ascending), in that order. */
  compute(units: readonly number[]): Promise<unknown[]>;
}

/** Computes the units of `slice` and returns them as a part holds them. */
export async function computeSlice(work: Work, slice: Slice): Promise<SliceResults> {
  const units = unitsOfSlice(work.costs, slice);
  const values = await work.compute(units);
  return {
    slice,
    fingerprint: work.fingerprint,
    units: work.costs.length,
    results: units.map((unit, i) => ({ unit, value: encodeUnit(values[i]) })),
  };
}

/** One slice's results: what a part file holds, and what merge needs from it. */
export interface SliceResults {
  readonly slice: Slice;
  /** Identifies the work (the units, their settings and the trace): parts of other work are refused. */
  readonly fingerprint: string;
  /** Units of the whole work, over every slice. */
  readonly units: number;
  /** This slice's results, in unit order, each encoded as plain JSON (encodeUnit). */
  readonly results: readonly { readonly unit: number; readonly value: unknown }[];
  /** Where the part came from (its file), for errors. */
  readonly name?: string;
}

/**
 * The work's fingerprint: a hash of how each unit is described, the settings they share and
 * the trace they replay (its length, key count and a hash of every column).
 */
export function workFingerprint(trace: Trace, description: unknown): string {
  const columns = new ColumnHashes();
  columns.update(wholeChunk(trace));
  return columns.fingerprint(trace, description);
}

const FINGERPRINTED = ['keys', 'sizes', 'times', 'ops', 'ttls', 'costs'] as const;

/**
 * Each column's hash, fed a chunk at a time: what lets a streamed trace, whose columns pass
 * row-block by row-block, be fingerprinted in the same pass that replays it, to the same
 * value as the trace in memory (each column hashed on its own, then the hashes together).
 */
export class ColumnHashes {
  private readonly hashes = new Map<(typeof FINGERPRINTED)[number], Hash>();

  update(chunk: TraceChunk): void {
    for (const name of FINGERPRINTED) {
      const column = chunk[name];
      if (column === undefined) continue;
      let hash = this.hashes.get(name);
      if (hash === undefined) this.hashes.set(name, (hash = nodeCrypto().createHash('sha256')));
      const rows = column.subarray(0, chunk.length);
      hash.update(new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength));
    }
  }

  /** The fingerprint of the work `description` over the trace hashed so far, of this length and key count. */
  fingerprint(shape: { readonly length: number; readonly keySpace: number }, description: unknown): string {
    const hash = nodeCrypto().createHash('sha256');
    hash.update(JSON.stringify(description, (_key, value: unknown) => (ArrayBuffer.isView(value) ? undefined : value)));
    hash.update(`\u0000${shape.length}\u0000${shape.keySpace}`);
    for (const name of FINGERPRINTED) hash.update(`\u0000${this.hashes.get(name)?.digest('hex') ?? '-'}`);
    return hash.digest('hex');
  }
}

/**
 * Every unit's result from the parts of one work: each slice exactly once, every fingerprint
 * the same as `fingerprint` (this machine's view of the work).
 *
 * @throws UsageError naming the part (by its name, or its position) that is missing, repeated or of other work.
 */
export function gatherSlices(parts: readonly SliceResults[], fingerprint: string, units: number): unknown[] {
  const nameOf = (at: number): string => parts[at]?.name ?? `part ${at + 1}`;
  if (parts.length === 0) throw new UsageError('no parts to merge', 'fromShards');
  const count = parts[0]!.slice.count;
  const seen = new Map<number, number>();
  parts.forEach((part, at) => {
    if (part.fingerprint !== fingerprint || part.units !== units) {
      throw new UsageError(
        `${nameOf(at)} is a slice of other work (another trace, grid or version) than the one being merged`,
        'fromShards',
      );
    }
    if (part.slice.count !== count) {
      throw new UsageError(
        `${nameOf(at)} is slice ${part.slice.index}/${part.slice.count}, but ${nameOf(0)} is one of ${count}`,
        'fromShards',
      );
    }
    const before = seen.get(part.slice.index);
    if (before !== undefined)
      throw new UsageError(`${nameOf(at)} repeats slice ${part.slice.index}/${count} of ${nameOf(before)}`, 'fromShards');
    seen.set(part.slice.index, at);
  });
  const missing = Array.from({ length: count }, (_, s) => s + 1).filter((index) => !seen.has(index));
  if (missing.length > 0) throw new UsageError(`slice ${missing.map((k) => `${k}/${count}`).join(', ')} is missing`, 'fromShards');
  const values = new Array<unknown>(units);
  const filled = new Uint8Array(units);
  parts.forEach((part, at) => {
    for (const { unit, value } of part.results) {
      if (!Number.isInteger(unit) || unit < 0 || unit >= units || filled[unit] === 1) {
        throw new UsageError(`${nameOf(at)} holds unit ${unit}, which is out of range or given twice`, 'fromShards');
      }
      filled[unit] = 1;
      values[unit] = decodeUnit(value);
    }
  });
  const empty = filled.indexOf(0);
  if (empty >= 0) throw new UsageError(`no part holds unit ${empty} of ${units}: a part is incomplete`, 'fromShards');
  return values;
}

const TYPED_ARRAYS = { Float64Array, Float32Array, Uint32Array, Int32Array, Uint16Array, Uint8Array } as const;
type TypedArrayName = keyof typeof TYPED_ARRAYS;

/** A unit's result as plain JSON that decodeUnit turns back into exactly the same value. */
export function encodeUnit(value: unknown): unknown {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && !Object.is(value, -0)) return value;
    return { $number: Object.is(value, -0) ? '-0' : String(value) };
  }
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor.name as TypedArrayName;
    if (!(name in TYPED_ARRAYS)) throw new Error(`cannot encode a ${name}`);
    return { $array: name, base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  }
  if (Array.isArray(value)) return value.map(encodeUnit);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) if (field !== undefined) out[key] = encodeUnit(field);
    return out;
  }
  return value;
}

export function decodeUnit(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeUnit);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (typeof record['$number'] === 'string') return Number(record['$number']);
  if (typeof record['$array'] === 'string' && typeof record['base64'] === 'string') {
    const Type = TYPED_ARRAYS[record['$array'] as TypedArrayName] as (typeof TYPED_ARRAYS)[TypedArrayName] | undefined;
    if (Type === undefined) throw new UsageError(`a part holds an array of unknown type '${record['$array']}'`, 'fromShards');
    const bytes = Buffer.from(record['base64'], 'base64');
    // Copied into a fresh, aligned buffer of its own.
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    return new Type(copy.buffer, 0, bytes.byteLength / Type.BYTES_PER_ELEMENT);
  }
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(record)) out[key] = decodeUnit(field);
  return out;
}

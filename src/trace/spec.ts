/**
 * Synthetic trace specs: a one-line description of a seeded workload that stands in for a
 * trace file anywhere one is accepted (`cachebench run zipf:alpha=0.9,keys=1e5,requests=1e6`).
 * The same spec always generates the same trace, byte for byte.
 *
 * Grammar (whitespace around names and values is ignored):
 *
 *   spec       = generator ":" params
 *   generator  = "zipf" | "uniform" | "scan"            params are name=value, comma-separated
 *              | "mix"                                  params = components ["," name=value ...]
 *   components = component *("+" component)
 *   component  = ("zipf" | "uniform" | "scan") "(" name=value *("," name=value) ")" ["*" weight]
 *
 *   zipf:alpha=0.9,keys=1e5,requests=1e6,seed=1
 *   uniform:keys=1e4,requests=1e6
 *   scan:keys=1e4,requests=1e5                     keys 0,1,...,keys-1,0,1,...
 *   mix:zipf(alpha=0.9,keys=1e5)*0.8+scan(keys=1e4)*0.2,requests=1e6,seed=1
 *
 * Workload parameters: zipf takes `alpha` (>= 0; 0 is uniform) and `keys`; uniform and scan
 * take `keys`. In a mix these go inside each component's parentheses and everything else at
 * the top level. A component's weight is relative (weights need not sum to 1) and defaults
 * to 1. Components draw from disjoint key ranges unless `keyspace=shared` (see mix.ts).
 *
 * Trace parameters (top level):
 *   requests=N        required; the number of requests
 *   seed=N            default 1
 *   rate=R            requests per second: adds a time column (seconds from 0), so TTLs apply
 *   arrivals=poisson  with rate: exponential gaps of mean 1/R (default); `fixed`: exactly 1/R
 *   size=B            every object is B bytes (512, 4KB, 1MiB)
 *   sizes=LO..HI      each key gets its own size, log-uniform in LO..HI bytes, fixed per key
 *   writes=F          each request is a set (a write of its key) with probability F, else a
 *                     get: adds an op column, for write policies and staleness
 *   keyspace=disjoint|shared   mix only
 * Any generator (or mix component) also takes prefix=P: its keys are named P0, P1, ... (with
 * the label's number), so `prefix=user:` makes a class of keys for per-class TTLs.
 * Counts accept 1e5, 100000 or 100_000.
 *
 * Key ids are dense in first-seen order, as for a loaded file; `keyNames` holds each key's
 * label (the zipf rank's permuted key number, the scan position, offset per mix component).
 * Keys, arrival times, sizes and writes come from independent seeded streams, so adding
 * `rate=`, `sizes=` or `writes=` to a spec leaves its key sequence unchanged.
 */
import { UsageError } from '../errors.js';
import { parseAssignments, splitName, splitTopLevel, type Fail } from '../spec-text.js';
import { parseBytes, parseCount, parseNumber } from '../units.js';
import type { KeyGenerator } from './synthetic/generator.js';
import { generateHotKeyTrace, isHotKeySpec, parseHotKeySpec } from './synthetic/hotkey.js';
import { MixGenerator, type MixKeySpace } from './synthetic/mix.js';
import { hash32, hashUnit, Rng } from './synthetic/rng.js';
import { ScanGenerator } from './synthetic/scan.js';
import { UniformGenerator } from './synthetic/uniform.js';
import { ZipfGenerator } from './synthetic/zipf.js';
import { OP_GET, OP_SET, TraceBuilder, type OpCode, type Trace, type TraceChunk } from './trace.js';

export interface ZipfWorkload {
  readonly kind: 'zipf';
  readonly alpha: number;
  readonly keys: number;
  /** Written before each key's number in its name (`prefix=user:` names keys `user:17`), for per-class TTLs. */
  readonly prefix?: string;
}
export interface UniformWorkload {
  readonly kind: 'uniform';
  readonly keys: number;
  readonly prefix?: string;
}
export interface ScanWorkload {
  readonly kind: 'scan';
  readonly keys: number;
  readonly prefix?: string;
}
export type BasicWorkload = ZipfWorkload | UniformWorkload | ScanWorkload;
export interface MixWorkload {
  readonly kind: 'mix';
  readonly components: readonly { readonly workload: BasicWorkload; readonly weight: number }[];
  readonly keySpace: MixKeySpace;
}
export type Workload = BasicWorkload | MixWorkload;

/** A validated synthetic spec, every default resolved. */
export interface SyntheticTraceSpec {
  /** The spec text as given (trimmed); becomes the trace's `source`. */
  readonly text: string;
  readonly workload: Workload;
  readonly requests: number;
  readonly seed: number;
  /** Requests per second; absent = no time column. */
  readonly rate?: number;
  readonly arrivals: 'poisson' | 'fixed';
  /** Fixed object size in bytes. */
  readonly size?: number;
  /** Per-key log-uniform sizes in bytes, both ends inclusive. */
  readonly sizes?: { readonly min: number; readonly max: number };
  /** Probability that a request is a set; absent = every request is a get (no op column). */
  readonly writes?: number;
}

const BASIC_GENERATORS = ['zipf', 'uniform', 'scan'] as const;
const WORKLOAD_PARAMS: Record<BasicWorkload['kind'], readonly string[]> = {
  zipf: ['alpha', 'keys'],
  uniform: ['keys'],
  scan: ['keys'],
};
const TRACE_PARAMS = ['requests', 'seed', 'rate', 'arrivals', 'size', 'sizes', 'writes'] as const;
const MAX_REQUESTS = 1e9;
/** Key labels must fit the 32-bit ids of a trace. */
const MAX_LABELS = 2 ** 32;

/** Whether `text` looks like a synthetic spec rather than a file name. */
export function isSyntheticSpec(text: string): boolean {
  return /^\s*(zipf|uniform|scan|mix)(:|$)/.test(text) || isHotKeySpec(text);
}

/** Parses and validates a spec; throws a one-line UsageError naming the spec and the bad part. */
export function parseTraceSpec(spec: string): SyntheticTraceSpec {
  const text = spec.trim();
  const fail = (detail: string): never => {
    throw new UsageError(`trace spec '${text}': ${detail}`);
  };
  /** Runs a units.ts parser, re-wording its error to name the spec. */
  const parse = <T>(name: string, value: string, parser: (value: string, flag: string) => T): T => {
    try {
      return parser(value, name);
    } catch (error) {
      if (error instanceof UsageError) return fail(error.message);
      throw error;
    }
  };

  const { name: kind, body } = splitName(text);
  if (kind !== 'mix' && !(BASIC_GENERATORS as readonly string[]).includes(kind)) {
    fail(`unknown generator '${kind}' (use zipf, uniform, scan or mix)`);
  }
  const pieces = body.trim() === '' ? [] : splitTopLevel(body, ',', fail);

  let workload: Workload;
  let traceParams: Map<string, string>;
  if (kind === 'mix') {
    const expression = pieces.shift() ?? '';
    if (expression === '' || !expression.includes('(')) {
      fail(`mix needs components right after 'mix:', e.g. mix:zipf(alpha=0.9,keys=1e5)*0.8+scan(keys=1e4)*0.2,requests=1e6`);
    }
    traceParams = assignments(pieces, [...TRACE_PARAMS, 'keyspace'], 'mix', fail);
    const keySpace = traceParams.get('keyspace') ?? 'disjoint';
    if (keySpace !== 'disjoint' && keySpace !== 'shared') fail(`keyspace must be 'disjoint' or 'shared', got '${keySpace}'`);
    const components = splitTopLevel(expression, '+', fail).map((term) => parseComponent(term, parse, fail));
    const labels =
      keySpace === 'disjoint'
        ? components.reduce((sum, c) => sum + c.workload.keys, 0)
        : Math.max(...components.map((c) => c.workload.keys));
    if (labels > MAX_LABELS) fail(`the components have ${labels} keys in all, more than the limit of 2^32`);
    if (keySpace === 'shared' && components.some((c) => c.workload.prefix !== undefined))
      fail('a prefix names the keys of one component, but keyspace=shared gives the components the same keys: use keyspace=disjoint');
    workload = { kind: 'mix', components, keySpace: keySpace as MixKeySpace };
  } else {
    const basic = kind as BasicWorkload['kind'];
    traceParams = assignments(pieces, [...WORKLOAD_PARAMS[basic], 'prefix', ...TRACE_PARAMS], basic, fail);
    workload = basicWorkload(basic, traceParams, parse, fail);
  }

  const requestsText = traceParams.get('requests');
  if (requestsText === undefined) fail(`missing parameter 'requests'`);
  const requests = parse('requests', requestsText!, parseCount);
  if (requests > MAX_REQUESTS) fail(`requests: ${requestsText} is more than the limit of 1e9`);
  const seedText = traceParams.get('seed');
  const seed = seedText === undefined ? 1 : parse('seed', seedText, (v, f) => parseCount(v, f, { allowZero: true }));

  const rateText = traceParams.get('rate');
  const rate = rateText === undefined ? undefined : parse('rate', rateText, (v, f) => parseNumber(v, f));
  if (rate !== undefined && !(rate > 0)) fail(`rate must be a positive number of requests per second, got '${rateText}'`);
  const arrivals = traceParams.get('arrivals') ?? 'poisson';
  if (arrivals !== 'poisson' && arrivals !== 'fixed') fail(`arrivals must be 'poisson' or 'fixed', got '${arrivals}'`);
  if (traceParams.has('arrivals') && rate === undefined) fail(`arrivals needs rate= (requests per second)`);

  const writesText = traceParams.get('writes');
  const writes = writesText === undefined ? undefined : parse('writes', writesText, (v, f) => parseNumber(v, f));
  if (writes !== undefined && !(writes >= 0 && writes <= 1)) fail(`writes must be a fraction from 0 to 1, got '${writesText}'`);

  const sizeText = traceParams.get('size');
  const sizesText = traceParams.get('sizes');
  if (sizeText !== undefined && sizesText !== undefined) fail(`give size= (one size for all) or sizes= (a range), not both`);
  if (sizeText?.includes('..')) fail(`size= is one size for every object; for a range of sizes give sizes=${sizeText}`);
  const size = sizeText === undefined ? undefined : parse('size', sizeText, parseBytes);
  let sizes: { min: number; max: number } | undefined;
  if (sizesText !== undefined) {
    const range = /^(.+?)\.\.(.+)$/.exec(sizesText);
    if (!range) fail(`sizes must be a range LO..HI in bytes, e.g. sizes=100..10000, got '${sizesText}'`);
    const min = parse('sizes', range![1]!, parseBytes);
    const max = parse('sizes', range![2]!, parseBytes);
    if (min > max) fail(`sizes: ${range![1]} is larger than ${range![2]}`);
    sizes = { min, max };
  }
  for (const [name, bytes] of [
    ['size', size],
    ['sizes', sizes?.max],
  ] as const) {
    if (bytes !== undefined && bytes > 0xffffffff) fail(`${name}: object sizes must be below 4GiB`);
  }

  return {
    text,
    workload,
    requests,
    seed,
    ...(rate !== undefined && { rate }),
    arrivals: arrivals as 'poisson' | 'fixed',
    ...(size !== undefined && { size }),
    ...(sizes !== undefined && { sizes }),
    ...(writes !== undefined && { writes }),
  };
}

type Parse = <T>(name: string, value: string, parser: (value: string, flag: string) => T) => T;

/** name=value pieces to a map (spec-text.ts), for a generator's parameters. */
function assignments(pieces: readonly string[], allowed: readonly string[], owner: string, fail: Fail): Map<string, string> {
  return parseAssignments(pieces, { allowed, owner }, fail);
}

function basicWorkload(kind: BasicWorkload['kind'], params: Map<string, string>, parse: Parse, fail: Fail): BasicWorkload {
  const where = kind;
  for (const name of WORKLOAD_PARAMS[kind]) {
    if (!params.has(name)) fail(`missing parameter '${name}' for ${where}`);
  }
  const keys = parse('keys', params.get('keys')!, parseCount);
  if (keys > MAX_LABELS) fail(`keys: ${params.get('keys')} is more than the limit of 2^32`);
  const prefixText = params.get('prefix');
  if (prefixText !== undefined && /[\s,()+]/.test(prefixText))
    fail(`prefix '${prefixText}' may not hold spaces, commas, parentheses or '+'`);
  const prefix = prefixText === undefined ? {} : { prefix: prefixText };
  if (kind !== 'zipf') return { kind, keys, ...prefix };
  const alphaText = params.get('alpha')!;
  const alpha = parse('alpha', alphaText, (v, f) => parseNumber(v, f));
  if (alpha < 0) fail(`alpha must be >= 0, got '${alphaText}'`);
  return { kind, alpha, keys, ...prefix };
}

function parseComponent(term: string, parse: Parse, fail: Fail): { workload: BasicWorkload; weight: number } {
  const match = /^([A-Za-z_-]*)\s*\((.*)\)\s*(?:\*\s*(.*))?$/s.exec(term);
  if (!match) fail(`mix component '${term}' should look like zipf(alpha=0.9,keys=1e5)*0.8`);
  const [, name, inner, weightText] = match;
  if (!(BASIC_GENERATORS as readonly string[]).includes(name!)) {
    fail(`unknown mix component '${name}' in '${term}' (use zipf, uniform or scan)`);
  }
  const kind = name as BasicWorkload['kind'];
  const params = splitTopLevel(inner!, ',', fail);
  for (const piece of params) {
    const param = piece.slice(0, piece.indexOf('=')).trim();
    if ((TRACE_PARAMS as readonly string[]).includes(param)) {
      fail(`'${param}' applies to the whole mix: put it after the components, not inside ${kind}(...)`);
    }
  }
  const workload = basicWorkload(kind, assignments(params, [...WORKLOAD_PARAMS[kind], 'prefix'], kind, fail), parse, fail);
  let weight = 1;
  if (weightText !== undefined) {
    weight = parse(`weight of ${kind}(...)`, weightText, (v, f) => parseNumber(v, f));
    if (!(weight > 0)) fail(`weight of ${kind}(...) must be positive, got '${weightText}'`);
  }
  return { workload, weight };
}

/** Generates the trace a spec describes. Throws a UsageError if the spec is bad. */
/** Requests between progress reports while generating. */
const PROGRESS_EVERY = 1 << 18;

/**
 * Generates the trace a spec describes. `onProgress(done, total)` is called every 2^18
 * requests (1e8 requests take tens of seconds).
 */
export function generateTrace(spec: string, onProgress?: (done: number, total: number) => void): Trace {
  if (isHotKeySpec(spec)) return generateHotKeyTrace(parseHotKeySpec(spec));
  return generateFromSpec(parseTraceSpec(spec), onProgress);
}

/** Seeded streams of one trace: independent, so optional columns never disturb the keys. */
const KEY_STREAM = 0;
const ARRIVAL_STREAM = 1;
const WRITE_STREAM = 2;
const SIZE_SALT = 0x73697a65;

export function generateFromSpec(spec: SyntheticTraceSpec, onProgress?: (done: number, total: number) => void): Trace {
  const { requests } = spec;
  const source = new SpecRequests(spec);
  const builder = new TraceBuilder(requests);
  for (let i = 0; i < requests; i++) {
    const id = source.next(i);
    builder.push(id, source.size, source.time, source.op);
    if (onProgress !== undefined && (i + 1) % PROGRESS_EVERY === 0) onProgress(i + 1, requests);
  }
  onProgress?.(requests, requests);
  return builder.build(spec.text, source.keySpace, source.keyNames());
}

/** What a spec's chunks end with: the key space and each key's name, known only once every request is drawn. */
export interface GeneratedKeys {
  readonly keySpace: number;
  readonly keyNames: readonly string[];
}

/**
 * The trace a spec describes, `size` requests at a time (the same requests as
 * `generateFromSpec`), so a trace larger than memory can be written as it is drawn (`gen
 * SPEC --out FILE.cbt`). Each chunk's arrays are reused for the next. Columns: sizes with
 * `size=`/`sizes=`, times with `rate=`, ops with `writes=`.
 */
export function* generateChunks(spec: SyntheticTraceSpec, size: number): Generator<TraceChunk, GeneratedKeys> {
  const source = new SpecRequests(spec);
  const capacity = Math.max(1, Math.min(size, spec.requests));
  const keys = new Uint32Array(capacity);
  const sizes = source.hasSizes ? new Uint32Array(capacity) : undefined;
  const times = spec.rate === undefined ? undefined : new Float64Array(capacity);
  const ops = spec.writes === undefined ? undefined : new Uint8Array(capacity);
  for (let start = 0; start < spec.requests; start += size) {
    const length = Math.min(size, spec.requests - start);
    for (let i = 0; i < length; i++) {
      keys[i] = source.next(start + i);
      if (sizes !== undefined) sizes[i] = source.size!;
      if (times !== undefined) times[i] = source.time!;
      if (ops !== undefined) ops[i] = source.op!;
    }
    yield {
      start,
      length,
      keys: keys.subarray(0, length),
      ...(sizes && { sizes: sizes.subarray(0, length) }),
      ...(times && { times: times.subarray(0, length) }),
      ...(ops && { ops: ops.subarray(0, length) }),
    };
  }
  return { keySpace: source.keySpace, keyNames: source.keyNames() };
}

/**
 * The requests of a spec drawn one at a time: `next(i)` gives request i's key id and sets
 * its size, time and op (undefined for a column the spec does not have). Requests come in
 * order, each once.
 */
class SpecRequests {
  size: number | undefined;
  time: number | undefined;
  op: OpCode | undefined;
  readonly hasSizes: boolean;
  private readonly generator: KeyGenerator;
  private readonly ids: DenseIds;
  private readonly arrivalRng: Rng;
  private readonly writeRng: Rng | undefined;
  private readonly sizeSeed: number;
  private readonly logMin: number;
  private readonly logSpan: number;
  private clock = 0;

  constructor(private readonly spec: SyntheticTraceSpec) {
    this.generator = buildGenerator(spec.workload, new Rng(spec.seed, KEY_STREAM), spec.seed);
    this.ids = new DenseIds(this.generator.labels, spec.requests);
    this.arrivalRng = new Rng(spec.seed, ARRIVAL_STREAM);
    this.writeRng = spec.writes === undefined ? undefined : new Rng(spec.seed, WRITE_STREAM);
    this.sizeSeed = hash32(spec.seed, SIZE_SALT);
    this.logMin = spec.sizes ? Math.log(spec.sizes.min) : 0;
    this.logSpan = spec.sizes ? Math.log(spec.sizes.max) - this.logMin : 0;
    this.hasSizes = spec.size !== undefined || spec.sizes !== undefined;
    this.size = spec.size;
  }

  get keySpace(): number {
    return this.ids.count;
  }

  keyNames(): string[] {
    return this.ids.names(labelNamer(this.spec.workload));
  }

  next(i: number): number {
    const spec = this.spec;
    const label = this.generator.next();
    if (spec.sizes) this.size = Math.round(Math.exp(this.logMin + hashUnit(label, this.sizeSeed) * this.logSpan));
    const rate = spec.rate;
    if (rate !== undefined) {
      if (spec.arrivals !== 'poisson') this.clock = i / rate;
      else if (i > 0) this.clock += -Math.log1p(-this.arrivalRng.nextFloat()) / rate;
      this.time = this.clock;
    }
    if (this.writeRng !== undefined) this.op = this.writeRng.nextFloat() < spec.writes! ? OP_SET : OP_GET;
    return this.ids.idOf(label);
  }
}

/**
 * A key's name from its label: the label's number, after its component's `prefix=` if it has
 * one (a disjoint mix gives component i the labels after those of the components before it).
 */
function labelNamer(workload: Workload): (label: number) => string {
  if (workload.kind !== 'mix') {
    const prefix = workload.prefix;
    return prefix === undefined ? String : (label) => `${prefix}${label}`;
  }
  if (workload.components.every((c) => c.workload.prefix === undefined)) return String;
  const ends: number[] = [];
  let end = 0;
  for (const c of workload.components) ends.push((end += c.workload.keys));
  return (label) => {
    const component = workload.components[ends.findIndex((limit) => label < limit)]!;
    return `${component.workload.prefix ?? ''}${label}`;
  };
}

function buildGenerator(workload: Workload, rng: Rng, seed: number): KeyGenerator {
  const basic = (w: BasicWorkload, index: number): KeyGenerator => {
    switch (w.kind) {
      case 'zipf':
        // Each zipf component scatters its ranks with a permutation of its own.
        return new ZipfGenerator(w.keys, w.alpha, rng, hash32(seed, index));
      case 'uniform':
        return new UniformGenerator(w.keys, rng);
      case 'scan':
        return new ScanGenerator(w.keys);
    }
  };
  if (workload.kind !== 'mix') return basic(workload, 0);
  const parts = workload.components.map((c, i) => ({ generator: basic(c.workload, i), weight: c.weight }));
  return new MixGenerator(parts, rng, workload.keySpace);
}

/**
 * Key label -> dense id in first-seen order. A direct table when the label space is modest,
 * a Map when it is huge compared with the number of requests (zipf over 2^32 keys).
 */
class DenseIds {
  private readonly table: Int32Array | undefined;
  private readonly map: Map<number, number> | undefined;
  private readonly labels: number[] = [];

  constructor(labelSpace: number, requests: number) {
    if (labelSpace <= Math.max(1 << 20, 4 * requests) && labelSpace <= 1 << 26) {
      this.table = new Int32Array(labelSpace).fill(-1);
    } else {
      this.map = new Map();
    }
  }

  get count(): number {
    return this.labels.length;
  }

  idOf(label: number): number {
    if (this.table) {
      let id = this.table[label]!;
      if (id < 0) {
        id = this.labels.length;
        this.table[label] = id;
        this.labels.push(label);
      }
      return id;
    }
    let id = this.map!.get(label);
    if (id === undefined) {
      id = this.labels.length;
      this.map!.set(label, id);
      this.labels.push(label);
    }
    return id;
  }

  names(name: (label: number) => string): string[] {
    return this.labels.map(name);
  }
}

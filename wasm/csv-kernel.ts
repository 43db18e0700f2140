/**
 * The CSV kernel: the fast CSV path's inner loop (src/trace/fast-csv.ts) as WebAssembly,
 * written in AssemblyScript and compiled by the build (scripts/build-wasm.js). It splits
 * lines and fields, interns each line's key and decodes the plain cells (digit sizes, decimal
 * times, TTLs and costs, the usual op spellings) into column batches, all inside its own
 * memory. A first run parses its CSV cold: the same loop in JavaScript spends its first
 * tens of thousands of rows in the interpreter and baseline code before it is optimised,
 * and it was two thirds of a 1e6-row `run`; compiled WebAssembly runs at full speed from
 * the first row, and such a file loads in about half the time. It also tallies the trace's
 * summary as it goes (requests per key, last sizes, sizes, writes and deletes), so that no
 * summary pass over the fresh trace follows.
 *
 * It decides nothing about a line it does not fully understand: a wrong field count, an
 * empty or non-ASCII key, a cell that is not plain, a time that goes back. It stops before
 * such a line, and the JavaScript reader reads it (the same code as without the kernel,
 * with the same messages), then the kernel goes on. A quote or a CR on its own stops it for
 * good: the file needs csv-parse, as it does for the JavaScript reader.
 *
 * The key table is the one the JavaScript reader uses too while the kernel runs (find and
 * add are exported), so both give ids from one count in first-seen order: the same ids as
 * ByteKeyInterner, which the loader uses without the kernel. Decimal keys below 2^32 have a
 * table of their own holding the number itself, any other key a table of its 32-bit hash
 * and an arena of key bytes, as there.
 *
 * Memory is handed out by a bump allocator from the end of the static data and never given
 * back: a table that doubles leaves the old one behind (at most as much again as the final
 * table), and the whole memory goes when the load drops the instance. The arena, offsets
 * and per-key counts are reserved up front from the file's size, which costs address space
 * only: a page of WebAssembly memory takes resident memory once it is written.
 */

const LF: u32 = 10;
const CR: u32 = 13;
const QUOTE: u32 = 34;
const COMMA: u32 = 44;
const DOT: u32 = 46;
const ZERO: u32 = 48;

// What scan() returns.
/** Every line of the range is read. */
const DONE: i32 = 0;
/** The batch is full: take it (batchRows() rows), then scan on from resumeAt(). */
const BATCH_FULL: i32 = 1;
/** The line at resumeAt() is for the JavaScript reader; scan on after it. */
const LINE_FOR_READER: i32 = 2;
/** The file needs csv-parse (a quote, or a CR not followed by LF). */
const NEEDS_CSV_PARSE: i32 = 3;
/** Memory could not grow (past 4 GiB): the file is read without the kernel. */
const NO_MEMORY: i32 = 4;

/** Rows a batch holds: 4096 as the reader's; 65536 saved little and kept 1 MB more resident at the peak of a load. */
const BATCH_ROWS: u32 = 1 << 12;
/** Lines with more fields go to the reader (which checks their count and reports it). */
const MAX_FIELDS: u32 = 64;
/** Longest digit run whose value a double holds exactly. */
const MAX_FAST_DIGITS: u32 = 15;
const MAX_SIZE: u64 = 0xffffffff;
/** Op spellings: entries of 16 bytes, its length, its op code and up to 14 bytes. */
const OP_ENTRY: u32 = 16;
const MAX_OPS: u32 = 256;
const OP_GET: u8 = 0;

let top: usize = 0;

function alloc(bytes: usize): usize {
  if (top == 0) top = (__heap_base + 15) & ~15;
  const at = top;
  const end = (at + bytes + 15) & ~15;
  const have = (<usize>memory.size()) << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >> 16);
    if (memory.grow(pages) < 0) return 0;
  }
  top = end;
  return at;
}

// The layout: field indexes, -1 for a column the file lacks.
let fieldCount: u32 = 0;
let keyField: i32 = 0;
let timeField: i32 = -1;
let sizeField: i32 = -1;
let opField: i32 = -1;
let ttlField: i32 = -1;
let costField: i32 = -1;

let starts: usize = 0;
let ends: usize = 0;
let pow10: usize = 0;
let opTable: usize = 0;
let opCount: u32 = 0;

// The batch: one row per slot of each column.
let batchIds: usize = 0;
let batchSizes: usize = 0;
let batchTimes: usize = 0;
let batchOps: usize = 0;
let batchTtls: usize = 0;
let batchCosts: usize = 0;
let batched: u32 = 0;
let anySize: bool = false;
let anyOp: bool = false;
let previousTime: f64 = 0;
let linesRead: u32 = 0;
let resume: usize = 0;

let input: usize = 0;
let inputBytes: usize = 0;

// The key table.
let keyCount: u32 = 0;
let arena: usize = 0;
let arenaCapacity: usize = 0;
let arenaUsed: usize = 0;
let offsets: usize = 0;
let offsetsCapacity: u32 = 0;
/** Slots of two u32: id + 1 (0: free), the key's hash. */
let table: usize = 0;
let slotMask: u32 = 0;
let tableKeys: u32 = 0;
/** Slots of two u32: id + 1 (0: free), the key's value. */
let numbers: usize = 0;
let numberMask: u32 = 0;
let numberKeys: u32 = 0;
let pendingSlot: u32 = 0;
let pendingHash: u32 = 0;
let pendingNumber: bool = false;
/** Counts the tables' doublings: a pending slot found before one is stale. */
let doublings: u32 = 0;
let pendingDoublings: u32 = 0;

const FIRST_SLOTS: u32 = 1 << 12;

// The summary's tallies (src/trace/summary.ts makes the same of a trace): requests per key,
// each key's last size, sizes, and the writes and deletes, taken as the rows are read.
const OP_SET: u8 = 1;
const OP_DELETE: u8 = 2;
/** One bucket per power of two of a 32-bit count. */
const COUNT_BUCKETS: u32 = 32;
/** Requests per key id. */
let counts: usize = 0;
/** Each key's last size, when the file has a size column. */
let lastSizes: usize = 0;
let minSize: u32 = 0xffffffff;
let maxSize: u32 = 0;
let totalSize: f64 = 0;
let writes: f64 = 0;
let deletes: f64 = 0;
/** Keys per power of two of their count (COUNT_BUCKETS u32), and the counts of one such bucket. */
let histogram: usize = 0;
let share: usize = 0;

/** Sets up the kernel; `keyBytes` and `keys` are reservations (upper bounds when known). Returns 0, or NO_MEMORY. */
export function init(keyBytes: u32, keys: u32): i32 {
  starts = alloc(MAX_FIELDS << 2);
  ends = alloc(MAX_FIELDS << 2);
  pow10 = alloc(8 * (MAX_FAST_DIGITS + 1));
  opTable = alloc(OP_ENTRY * MAX_OPS);
  batchIds = alloc(BATCH_ROWS << 2);
  batchSizes = alloc(BATCH_ROWS << 2);
  batchTimes = alloc(BATCH_ROWS << 3);
  batchOps = alloc(BATCH_ROWS);
  batchTtls = alloc(BATCH_ROWS << 3);
  batchCosts = alloc(BATCH_ROWS << 3);
  table = alloc(FIRST_SLOTS << 3);
  numbers = alloc(FIRST_SLOTS << 3);
  slotMask = FIRST_SLOTS - 1;
  numberMask = FIRST_SLOTS - 1;
  arenaCapacity = max<usize>(keyBytes, 1 << 16);
  arena = alloc(arenaCapacity);
  offsetsCapacity = max<u32>(keys + 2, 1 << 12);
  offsets = alloc((<usize>offsetsCapacity) << 2);
  counts = alloc((<usize>offsetsCapacity) << 2);
  histogram = alloc(COUNT_BUCKETS << 2);
  if (histogram == 0 || counts == 0 || offsets == 0 || arena == 0 || numbers == 0) return NO_MEMORY;
  let power: f64 = 1;
  for (let k: u32 = 0; k <= MAX_FAST_DIGITS; k++) {
    store<f64>(pow10 + (k << 3), power);
    power *= 10;
  }
  return DONE;
}

/** The layout; returns 0, or NO_MEMORY. */
export function configure(count: u32, key: i32, time: i32, size: i32, op: i32, ttl: i32, cost: i32): i32 {
  if (size >= 0 && lastSizes == 0) {
    lastSizes = alloc((<usize>offsetsCapacity) << 2);
    if (lastSizes == 0) return NO_MEMORY;
  }
  fieldCount = count;
  keyField = key;
  timeField = time;
  sizeField = size;
  opField = op;
  ttlField = ttl;
  costField = cost;
  return DONE;
}

/** Where the op spellings go (entries of OP_ENTRY bytes); then setOpCount. */
export function opTableAt(): usize {
  return opTable;
}

export function setOpCount(count: u32): void {
  opCount = min(count, MAX_OPS);
}

/** An input region of at least `bytes`, its first `keep` bytes kept from the last one; 0 when memory cannot grow. */
export function inputAt(bytes: u32, keep: u32): usize {
  if (input == 0 || bytes > <u32>inputBytes) {
    const wanted = max<usize>(<usize>bytes + (bytes >> 1), 1 << 18);
    const bigger = alloc(wanted);
    if (bigger == 0) return 0;
    if (keep > 0) memory.copy(bigger, input, keep);
    input = bigger;
    inputBytes = wanted;
  }
  return input;
}

export function resumeAt(): usize {
  return resume;
}

/** Lines read (empty ones too) since the last call. */
export function takeLines(): u32 {
  const lines = linesRead;
  linesRead = 0;
  return lines;
}

export function batchRows(): u32 {
  return batched;
}

/** 1: some row of the batch gave a size; 2: some gave an op. */
export function batchFlags(): u32 {
  return (anySize ? 1 : 0) | (anyOp ? 2 : 0);
}

export function clearBatch(): void {
  batched = 0;
  anySize = false;
  anyOp = false;
}

/** The batch columns: 0 ids, 1 sizes, 2 times, 3 ops, 4 ttls, 5 costs. */
export function batchAt(column: u32): usize {
  if (column == 0) return batchIds;
  if (column == 1) return batchSizes;
  if (column == 2) return batchTimes;
  if (column == 3) return batchOps;
  if (column == 4) return batchTtls;
  return batchCosts;
}

export function getPreviousTime(): f64 {
  return previousTime;
}

export function setPreviousTime(time: f64): void {
  previousTime = time;
}

export function keys(): u32 {
  return keyCount;
}

export function arenaAt(): usize {
  return arena;
}

export function arenaBytes(): usize {
  return arenaUsed;
}

export function offsetsAt(): usize {
  return offsets;
}

// ---- The key table ----

function mix(hash: u32): u32 {
  // murmur3's finaliser, so that similar keys land in scattered slots.
  hash ^= hash >> 16;
  hash *= 0x85ebca6b;
  hash ^= hash >> 13;
  hash *= 0xc2b2ae35;
  return hash ^ (hash >> 16);
}

function hashBytes(at: usize, length: u32): u32 {
  let hash: u32 = length * 0x9e3779b1;
  let i: u32 = 0;
  for (; i + 4 <= length; i += 4) {
    hash = (hash ^ load<u32>(at + i)) * 0x85ebca6b;
    hash ^= hash >> 15;
  }
  for (; i < length; i++) hash = (hash ^ load<u8>(at + i)) * 0x01000193;
  return mix(hash);
}

/** The value of a decimal key below 2^32 without leading zeros, or -1. */
function numberKey(start: usize, end: usize): i64 {
  const length = end - start;
  if (length > 10) return -1;
  const first = <u32>load<u8>(start) - ZERO;
  if (first > 9 || (first == 0 && length != 1)) return -1;
  let value: u64 = first;
  for (let p = start + 1; p < end; p++) {
    const digit = <u32>load<u8>(p) - ZERO;
    if (digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value > 0xffffffff ? -1 : <i64>value;
}

function findNumber(value: u32): i32 {
  const mask = numberMask;
  let slot = mix(value) & mask;
  while (true) {
    const at = numbers + ((<usize>slot) << 3);
    const entry = load<u32>(at);
    if (entry == 0) break;
    if (load<u32>(at, 4) == value) return <i32>entry - 1;
    slot = (slot + 1) & mask;
  }
  pendingSlot = slot;
  pendingHash = value;
  pendingNumber = true;
  pendingDoublings = doublings;
  return -1;
}

function findBytes(start: usize, length: u32): i32 {
  const hash = hashBytes(start, length);
  const mask = slotMask;
  let slot = hash & mask;
  while (true) {
    const at = table + ((<usize>slot) << 3);
    const entry = load<u32>(at);
    if (entry == 0) break;
    if (load<u32>(at, 4) == hash) {
      const id = entry - 1;
      const from = load<u32>(offsets + ((<usize>id) << 2));
      if (load<u32>(offsets + ((<usize>(id + 1)) << 2)) - from == length && memory.compare(arena + from, start, length) == 0)
        return <i32>id;
    }
    slot = (slot + 1) & mask;
  }
  pendingSlot = slot;
  pendingHash = hash;
  pendingNumber = false;
  pendingDoublings = doublings;
  return -1;
}

/** The id of the key in [start, end), or -1 when it is new (then call add). */
export function find(start: usize, end: usize): i32 {
  const value = numberKey(start, end);
  if (value >= 0) return findNumber(<u32>value);
  return findBytes(start, <u32>(end - start));
}

/** Room for one more key of `length` bytes without growing memory (the reader's add may not move it). Returns 0 or NO_MEMORY. */
export function prepareAdd(length: u32): i32 {
  if (arenaUsed + length > arenaCapacity) {
    const capacity = max<usize>(arenaCapacity << 1, arenaUsed + length);
    const bigger = alloc(capacity);
    if (bigger == 0) return NO_MEMORY;
    memory.copy(bigger, arena, arenaUsed);
    arena = bigger;
    arenaCapacity = capacity;
  }
  if (keyCount + 2 > offsetsCapacity) {
    // Offsets, counts and last sizes hold a key each: they grow together.
    const capacity = offsetsCapacity << 1;
    const biggerOffsets = alloc((<usize>capacity) << 2);
    const biggerCounts = alloc((<usize>capacity) << 2);
    const biggerSizes = lastSizes == 0 ? 1 : alloc((<usize>capacity) << 2);
    if (biggerOffsets == 0 || biggerCounts == 0 || biggerSizes == 0) return NO_MEMORY;
    memory.copy(biggerOffsets, offsets, (<usize>(keyCount + 1)) << 2);
    memory.copy(biggerCounts, counts, (<usize>keyCount) << 2);
    offsets = biggerOffsets;
    counts = biggerCounts;
    if (lastSizes != 0) {
      memory.copy(biggerSizes, lastSizes, (<usize>keyCount) << 2);
      lastSizes = biggerSizes;
    }
    offsetsCapacity = capacity;
  }
  // Doubled before the insert that would need it, so that add() itself never grows.
  if ((tableKeys + 1) * 4 > (slotMask + 1) * 3) {
    const bigger = doubled(table, slotMask, false);
    if (bigger == 0) return NO_MEMORY;
    table = bigger;
    slotMask = (slotMask << 1) | 1;
  }
  if ((numberKeys + 1) * 4 > (numberMask + 1) * 3) {
    const bigger = doubled(numbers, numberMask, true);
    if (bigger == 0) return NO_MEMORY;
    numbers = bigger;
    numberMask = (numberMask << 1) | 1;
  }
  return DONE;
}

/** A table of twice the slots with `old`'s entries, each placed by its second word (hashed first for numbers). */
function doubled(old: usize, oldMask: u32, hashed: bool): usize {
  const mask = (oldMask << 1) | 1;
  const fresh = alloc((<usize>mask + 1) << 3);
  if (fresh == 0) return 0;
  doublings++;
  for (let slot: u32 = 0; slot <= oldMask; slot++) {
    const from = old + ((<usize>slot) << 3);
    const entry = load<u32>(from);
    if (entry == 0) continue;
    const word = load<u32>(from, 4);
    let at = (hashed ? mix(word) : word) & mask;
    while (load<u32>(fresh + ((<usize>at) << 3)) != 0) at = (at + 1) & mask;
    store<u32>(fresh + ((<usize>at) << 3), entry);
    store<u32>(fresh + ((<usize>at) << 3), word, 4);
  }
  return fresh;
}

/** Adds the key the last find() did not find, after prepareAdd(its length); returns its new id. */
export function add(start: usize, end: usize): u32 {
  // prepareAdd may have doubled a table since find() chose the slot: choose it anew.
  if (pendingDoublings != doublings) find(start, end);
  const id = keyCount;
  const length = end - start;
  memory.copy(arena + arenaUsed, start, length);
  store<u32>(offsets + ((<usize>id) << 2), <u32>arenaUsed);
  arenaUsed += length;
  store<u32>(offsets + ((<usize>(id + 1)) << 2), <u32>arenaUsed);
  keyCount = id + 1;
  if (pendingNumber) {
    const at = numbers + ((<usize>pendingSlot) << 3);
    store<u32>(at, id + 1);
    store<u32>(at, pendingHash, 4);
    numberKeys++;
  } else {
    const at = table + ((<usize>pendingSlot) << 3);
    store<u32>(at, id + 1);
    store<u32>(at, pendingHash, 4);
    tableKeys++;
  }
  return id;
}

// ---- Cells ----

/** The value of a cell of 1..15 ASCII digits, or -1. */
function digitsValue(start: usize, end: usize): i64 {
  const length = end - start;
  if (length == 0 || length > MAX_FAST_DIGITS) return -1;
  let value: u64 = 0;
  for (let p = start; p < end; p++) {
    const digit = <u32>load<u8>(p) - ZERO;
    if (digit > 9) return -1;
    value = value * 10 + digit;
  }
  return <i64>value;
}

/**
 * The value of a plain decimal cell (digits with at most one '.', 15 digits at most), or -1.
 * The digits form an integer below 2^53 and 10^k is exact, so the one division is correctly
 * rounded: the same double the reader's decimalValue and Number(text) give.
 */
function decimalValue(start: usize, end: usize): f64 {
  const length = end - start;
  if (length == 0 || length > MAX_FAST_DIGITS + 1) return -1;
  let mantissa: f64 = 0;
  let digits: u32 = 0;
  let point: usize = 0;
  let seenPoint = false;
  for (let p = start; p < end; p++) {
    const c = <u32>load<u8>(p);
    const digit = c - ZERO;
    if (digit <= 9) {
      mantissa = mantissa * 10 + <f64>digit;
      digits++;
    } else if (c == DOT && !seenPoint) {
      seenPoint = true;
      point = p;
    } else return -1;
  }
  if (digits == 0 || digits > MAX_FAST_DIGITS) return -1;
  if (!seenPoint) return mantissa;
  return mantissa / load<f64>(pow10 + ((end - point - 1) << 3));
}

/** The op of a cell spelled as one of the table's spellings, or -1. */
function opValue(start: usize, end: usize): i32 {
  const length = <u32>(end - start);
  for (let i: u32 = 0; i < opCount; i++) {
    const entry = opTable + <usize>i * OP_ENTRY;
    if (<u32>load<u8>(entry) == length && memory.compare(entry + 2, start, length) == 0) return <i32>load<u8>(entry, 1);
  }
  return -1;
}

function isAscii(start: usize, end: usize): bool {
  for (let p = start; p < end; p++) if (load<u8>(p) >= 0x80) return false;
  return true;
}

function fieldStart(field: i32): usize {
  return <usize>load<u32>(starts + ((<usize>field) << 2));
}

function fieldEnd(field: i32): usize {
  return <usize>load<u32>(ends + ((<usize>field) << 2));
}

/**
 * Reads the lines in [from, to). Every line ends in LF except, when `last`, the final one.
 * Stops at a full batch, a line for the reader or the end, and says which (resumeAt() is
 * where to go on from, or the line for the reader).
 */
export function scan(from: usize, to: usize, last: bool): i32 {
  let p = from;
  let row = batched;
  // A file of keys alone, the most common trace of all: a line of digits becomes its value
  // as it is read, with no fields to split and no second look at the digits. Anything else
  // (a text key, a leading zero, a CR) takes the general way below, from the line's start.
  const keysOnly = fieldCount == 1;
  while (p < to) {
    const lineStart = p;
    if (keysOnly) {
      let value: u64 = 0;
      let q = p;
      while (q < to) {
        const digit = <u32>load<u8>(q) - ZERO;
        if (digit > 9) break;
        value = value * 10 + digit;
        q++;
      }
      const length = q - p;
      if (
        q < to &&
        <u32>load<u8>(q) == LF &&
        length > 0 &&
        length <= 10 &&
        value <= 0xffffffff &&
        (length == 1 || <u32>load<u8>(p) != ZERO)
      ) {
        let id = findNumber(<u32>value);
        if (id < 0) {
          if (prepareAdd(<u32>length) != DONE) return stopped(NO_MEMORY, lineStart, row);
          id = <i32>add(p, q);
        }
        putRow(row, <u32>id, 1, false, previousTime, OP_GET, false, NaN, NaN);
        linesRead++;
        p = q + 1;
        if (++row == BATCH_ROWS) return stopped(BATCH_FULL, p, row);
        continue;
      }
    }
    let fields: u32 = 0;
    let cellStart = p;
    let lineEnd = to;
    let next = to;
    while (p < to) {
      const c = <u32>load<u8>(p);
      if (c > COMMA) {
        p++;
        continue;
      }
      if (c == COMMA) {
        if (fields < MAX_FIELDS) {
          store<u32>(starts + ((<usize>fields) << 2), <u32>cellStart);
          store<u32>(ends + ((<usize>fields) << 2), <u32>p);
        }
        fields++;
        cellStart = ++p;
        continue;
      }
      if (c == LF) {
        lineEnd = p;
        next = p + 1;
        break;
      }
      if (c == CR) {
        if (p + 1 >= to || <u32>load<u8>(p + 1) != LF) return stopped(NEEDS_CSV_PARSE, lineStart, row);
        lineEnd = p;
        next = p + 2;
        break;
      }
      if (c == QUOTE) return stopped(NEEDS_CSV_PARSE, lineStart, row);
      p++;
    }
    if (p >= to && !last) return stopped(DONE, lineStart, row); // a line without its end: not this range's
    if (fields < MAX_FIELDS) {
      store<u32>(starts + ((<usize>fields) << 2), <u32>cellStart);
      store<u32>(ends + ((<usize>fields) << 2), <u32>lineEnd);
    }
    fields++;
    if (fields == 1 && cellStart == lineEnd) {
      // An empty line, skipped as csv-parse does.
      linesRead++;
      p = next;
      continue;
    }
    if (fields != fieldCount) return stopped(LINE_FOR_READER, lineStart, row);

    const keyStart = fieldStart(keyField);
    const keyEnd = fieldEnd(keyField);
    if (keyStart == keyEnd) return stopped(LINE_FOR_READER, lineStart, row);
    // A decimal key's digits are ASCII; any other key is looked at once more.
    const keyNumber = numberKey(keyStart, keyEnd);
    if (keyNumber < 0 && !isAscii(keyStart, keyEnd)) return stopped(LINE_FOR_READER, lineStart, row);

    // Every other cell first, so that a line left to the reader has changed nothing.
    let time = previousTime;
    if (timeField >= 0) {
      const start = fieldStart(timeField);
      const end = fieldEnd(timeField);
      if (start != end) {
        time = decimalValue(start, end);
        // Not plain (-1), or going back; a range's first rows have no previous time (NaN).
        if (time < 0 || time < previousTime) return stopped(LINE_FOR_READER, lineStart, row);
      }
    }
    let size: u32 = 1;
    let sized = false;
    if (sizeField >= 0) {
      const start = fieldStart(sizeField);
      const end = fieldEnd(sizeField);
      if (start != end) {
        const value = digitsValue(start, end);
        if (value < 0 || <u64>value > MAX_SIZE) return stopped(LINE_FOR_READER, lineStart, row);
        size = <u32>value;
        sized = true;
      }
    }
    let op: i32 = OP_GET;
    let opGiven = false;
    if (opField >= 0) {
      const start = fieldStart(opField);
      const end = fieldEnd(opField);
      if (start != end) {
        op = opValue(start, end);
        if (op < 0) return stopped(LINE_FOR_READER, lineStart, row);
        opGiven = true;
      }
    }
    let ttl: f64 = NaN;
    if (ttlField >= 0) {
      const start = fieldStart(ttlField);
      const end = fieldEnd(ttlField);
      if (start != end) {
        ttl = decimalValue(start, end);
        if (ttl < 0) return stopped(LINE_FOR_READER, lineStart, row);
      }
    }
    let cost: f64 = NaN;
    if (costField >= 0) {
      const start = fieldStart(costField);
      const end = fieldEnd(costField);
      if (start != end) {
        cost = decimalValue(start, end);
        if (cost < 0) return stopped(LINE_FOR_READER, lineStart, row);
      }
    }

    let id = keyNumber >= 0 ? findNumber(<u32>keyNumber) : findBytes(keyStart, <u32>(keyEnd - keyStart));
    if (id < 0) {
      if (prepareAdd(<u32>(keyEnd - keyStart)) != DONE) return stopped(NO_MEMORY, lineStart, row);
      id = <i32>add(keyStart, keyEnd);
    }
    putRow(row, <u32>id, size, sized, time, <u8>op, opGiven, ttl, cost);
    linesRead++;
    p = next;
    if (++row == BATCH_ROWS) return stopped(BATCH_FULL, p, row);
  }
  return stopped(DONE, p, row);
}

/** Writes row `row` of the batch and tallies it for the summary. */
function putRow(row: u32, id: u32, size: u32, sized: bool, time: f64, op: u8, opGiven: bool, ttl: f64, cost: f64): void {
  store<u32>(batchIds + ((<usize>row) << 2), id);
  const counted = counts + ((<usize>id) << 2);
  store<u32>(counted, load<u32>(counted) + 1);
  if (timeField >= 0) {
    store<f64>(batchTimes + ((<usize>row) << 3), time);
    previousTime = time;
  }
  if (sizeField >= 0) {
    store<u32>(batchSizes + ((<usize>row) << 2), size);
    if (sized) anySize = true;
    store<u32>(lastSizes + ((<usize>id) << 2), size);
    if (size < minSize) minSize = size;
    if (size > maxSize) maxSize = size;
    totalSize += <f64>size;
  }
  if (opField >= 0) {
    store<u8>(batchOps + <usize>row, op);
    if (opGiven) anyOp = true;
    if (op == OP_SET) writes++;
    else if (op == OP_DELETE) deletes++;
  }
  if (ttlField >= 0) store<f64>(batchTtls + ((<usize>row) << 3), ttl);
  if (costField >= 0) store<f64>(batchCosts + ((<usize>row) << 3), cost);
}

/**
 * Appends a row the reader read (its cells decoded by it), so that the batch keeps the
 * file's order and the row is tallied as the kernel's own are. Returns BATCH_FULL when the
 * batch is full with it.
 */
export function appendRow(id: u32, size: u32, sized: bool, time: f64, op: u8, opGiven: bool, ttl: f64, cost: f64): i32 {
  putRow(batched, id, size, sized, time, op, opGiven, ttl, cost);
  return ++batched == BATCH_ROWS ? BATCH_FULL : DONE;
}

// ---- The summary's tallies ----

/** Keys requested once, and the histogram of keys per power of two of their count (histogramAt()). Returns the keys requested at all. */
export function tallyCounts(): u32 {
  memory.fill(histogram, 0, COUNT_BUCKETS << 2);
  let requested: u32 = 0;
  let once: u32 = 0;
  for (let id: u32 = 0; id < keyCount; id++) {
    const count = load<u32>(counts + ((<usize>id) << 2));
    if (count == 0) continue;
    requested++;
    if (count == 1) once++;
    const bucket = histogram + ((<usize>(31 - clz(count))) << 2);
    store<u32>(bucket, load<u32>(bucket) + 1);
  }
  oneHitWonders = once;
  return requested;
}

let oneHitWonders: u32 = 0;

export function onceRequested(): u32 {
  return oneHitWonders;
}

export function histogramAt(): usize {
  return histogram;
}

/** The sum of the counts of at least `high`; those in [low, high) are put at shareAt() (0 when memory cannot grow). */
export function sumCountsFrom(high: u32, low: u32, shareCount: u32): f64 {
  share = alloc((<usize>shareCount) << 2);
  let sum: f64 = 0;
  let n: usize = 0;
  for (let id: u32 = 0; id < keyCount; id++) {
    const count = load<u32>(counts + ((<usize>id) << 2));
    if (count >= high) sum += <f64>count;
    else if (count >= low && share != 0) store<u32>(share + (n++ << 2), count);
  }
  return share == 0 ? -1 : sum;
}

export function shareAt(): usize {
  return share;
}

/** The sum of every key's last size (the working set's bytes). */
export function lastSizeTotal(): f64 {
  let total: f64 = 0;
  if (lastSizes != 0) for (let id: u32 = 0; id < keyCount; id++) total += <f64>load<u32>(lastSizes + ((<usize>id) << 2));
  return total;
}

export function sizeRange(which: u32): f64 {
  return which == 0 ? <f64>minSize : which == 1 ? <f64>maxSize : totalSize;
}

export function opTotals(which: u32): f64 {
  return which == 0 ? writes : deletes;
}

function stopped(status: i32, at: usize, row: u32): i32 {
  resume = at;
  batched = row;
  return status;
}

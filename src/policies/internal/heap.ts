/**
 * An indexed binary min-heap of key ids, ordered by a caller-owned Float64Array of
 * priorities. `pos[id]` tracks where each id sits, so any id can be removed or re-keyed in
 * O(log n) without lazy tombstones. Equal priorities are ordered by an optional second array
 * (`tieBreak`), then by the smaller id, which keeps every policy built on it deterministic.
 * For a max-heap, store negated priorities.
 */
const ABSENT = -1;

export class IndexedMinHeap {
  private readonly heap: Int32Array;
  private readonly pos: Int32Array;
  private count = 0;

  constructor(
    keySpace: number,
    private readonly priority: Float64Array,
    private readonly tieBreak?: Float64Array,
  ) {
    this.heap = new Int32Array(keySpace);
    this.pos = new Int32Array(keySpace).fill(ABSENT);
  }

  get size(): number {
    return this.count;
  }

  has(id: number): boolean {
    return this.pos[id] !== ABSENT;
  }

  /** The id with the smallest priority (ABSENT if empty). */
  peek(): number {
    return this.count === 0 ? ABSENT : this.heap[0]!;
  }

  /** Adds `id` (not present) with its current `priority[id]`. */
  push(id: number): void {
    const i = this.count++;
    this.heap[i] = id;
    this.pos[id] = i;
    this.siftUp(i);
  }

  /** Call after changing `priority[id]` of an id in the heap. */
  update(id: number): void {
    const i = this.pos[id]!;
    this.siftUp(i);
    this.siftDown(this.pos[id]!);
  }

  /** Removes `id` if present. */
  remove(id: number): void {
    const i = this.pos[id]!;
    if (i === ABSENT) return;
    const last = this.heap[--this.count]!;
    this.pos[id] = ABSENT;
    if (i === this.count) return;
    this.heap[i] = last;
    this.pos[last] = i;
    this.siftUp(i);
    this.siftDown(this.pos[last]);
  }

  /** Removes and returns the smallest (ABSENT if empty). */
  pop(): number {
    if (this.count === 0) return ABSENT;
    const top = this.heap[0]!;
    this.remove(top);
    return top;
  }

  private less(a: number, b: number): boolean {
    const pa = this.priority[a]!;
    const pb = this.priority[b]!;
    if (pa !== pb) return pa < pb;
    if (this.tieBreak !== undefined) {
      const ta = this.tieBreak[a]!;
      const tb = this.tieBreak[b]!;
      if (ta !== tb) return ta < tb;
    }
    return a < b;
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const id = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const up = heap[parent]!;
      if (!this.less(id, up)) break;
      heap[i] = up;
      this.pos[up] = i;
      i = parent;
    }
    heap[i] = id;
    this.pos[id] = i;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = this.count;
    const id = heap[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.less(heap[child + 1]!, heap[child]!)) child++;
      const down = heap[child]!;
      if (!this.less(down, id)) break;
      heap[i] = down;
      this.pos[down] = i;
      i = child;
    }
    heap[i] = id;
    this.pos[id] = i;
  }
}

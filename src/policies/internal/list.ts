/**
 * Doubly linked lists of key ids over shared typed arrays, the structure behind LRU, FIFO,
 * CLOCK, SIEVE, S3-FIFO, ARC, 2Q and friends.
 *
 * A `ListArena` owns one `prev`/`next` pair sized to the key space. Every `IdList` built on
 * the same arena links through those arrays, which is safe because an id belongs to at most
 * one list of a policy at a time (resident in T1 or T2 or a ghost, never two at once).
 * Head is the most recently inserted end; tail is the oldest. NIL (-1) ends a list.
 */
export const NIL = -1;

export class ListArena {
  readonly prev: Int32Array;
  readonly next: Int32Array;

  constructor(keySpace: number) {
    this.prev = new Int32Array(keySpace).fill(NIL);
    this.next = new Int32Array(keySpace).fill(NIL);
  }
}

export class IdList {
  head = NIL;
  tail = NIL;
  length = 0;
  private readonly prev: Int32Array;
  private readonly next: Int32Array;

  constructor(arena: ListArena) {
    this.prev = arena.prev;
    this.next = arena.next;
  }

  /** Links `id` (not in any list) at the head. */
  pushHead(id: number): void {
    const head = this.head;
    this.prev[id] = NIL;
    this.next[id] = head;
    if (head === NIL) this.tail = id;
    else this.prev[head] = id;
    this.head = id;
    this.length++;
  }

  /** Links `id` (not in any list) at the tail. */
  pushTail(id: number): void {
    const tail = this.tail;
    this.next[id] = NIL;
    this.prev[id] = tail;
    if (tail === NIL) this.head = id;
    else this.next[tail] = id;
    this.tail = id;
    this.length++;
  }

  /** Unlinks `id`, which must be in this list. */
  remove(id: number): void {
    const p = this.prev[id]!;
    const n = this.next[id]!;
    if (p === NIL) this.head = n;
    else this.next[p] = n;
    if (n === NIL) this.tail = p;
    else this.prev[n] = p;
    this.prev[id] = NIL;
    this.next[id] = NIL;
    this.length--;
  }

  /** Moves `id`, already in this list, to the head. */
  moveToHead(id: number): void {
    if (this.head === id) return;
    // id is not the head, so it has a predecessor.
    const p = this.prev[id]!;
    const n = this.next[id]!;
    this.next[p] = n;
    if (n === NIL) this.tail = p;
    else this.prev[n] = p;
    this.prev[id] = NIL;
    this.next[id] = this.head;
    this.prev[this.head] = id;
    this.head = id;
  }

  /** Unlinks and returns the tail id (NIL if empty). */
  popTail(): number {
    const id = this.tail;
    if (id !== NIL) this.remove(id);
    return id;
  }

  /** Unlinks and returns the head id (NIL if empty). */
  popHead(): number {
    const id = this.head;
    if (id !== NIL) this.remove(id);
    return id;
  }

  /** Id after `id` toward the tail (NIL at the tail). */
  nextOf(id: number): number {
    return this.next[id]!;
  }

  /** Id before `id` toward the head (NIL at the head). */
  prevOf(id: number): number {
    return this.prev[id]!;
  }

  /** Ids from head to tail; for tests and debugging, never the hot path. */
  toArray(): number[] {
    const out: number[] = [];
    for (let id = this.head; id !== NIL; id = this.next[id]!) out.push(id);
    return out;
  }
}

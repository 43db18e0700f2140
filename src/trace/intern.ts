/**
 * Maps raw keys (any string) to dense ids in first-seen order. Interning happens once at
 * load; after that nothing in the simulator sees a string.
 */
import { KeyNames } from './key-names.js';

export class KeyInterner {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];

  /** The id for `key`, assigning the next one if the key is new. */
  intern(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(key, id);
      this.names.push(key);
    }
    return id;
  }

  get size(): number {
    return this.names.length;
  }

  keyNames(): KeyNames {
    return KeyNames.fromStrings(this.names);
  }
}

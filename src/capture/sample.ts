/**
 * What capture does to keys before keeping them: sampling by key hash, so that every request
 * of a kept key is kept and stack distances scale by the rate (the SHARDS rule: keep a key
 * iff hash mod 2^24 < rate · 2^24), and anonymizing, so a trace can be shared.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { SHARDS_MODULUS } from '../engine/shards.js';
import { hash32 } from '../trace/synthetic/rng.js';

/** FNV-1a over the key's UTF-16 code units, then hash32's mixing under `seed`. */
export function keyTextHash(key: string, seed = 0): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return hash32(h >>> 0, seed);
}

/** A keep-or-drop rule for keys at `rate` (1 keeps all). The same key always gets the same answer. */
export function keySampler(rate: number, seed = 0): (key: string) => boolean {
  if (rate >= 1) return () => true;
  const threshold = Math.round(rate * SHARDS_MODULUS);
  return (key) => (keyTextHash(key, seed) & (SHARDS_MODULUS - 1)) < threshold;
}

/**
 * Replaces keys by a keyed hash (HMAC-SHA-256, 16 base64url characters, 96 bits): the same key
 * always maps to the same name within one capture, and the secret is never written anywhere,
 * so names cannot be reversed by hashing guesses.
 */
export function keyAnonymizer(secret: Buffer = randomBytes(32)): (key: string) => string {
  const names = new Map<string, string>();
  return (key) => {
    let name = names.get(key);
    if (name === undefined) {
      name = createHmac('sha256', secret).update(key, 'latin1').digest('base64url').slice(0, 16);
      names.set(key, name);
    }
    return name;
  };
}

/**
 * Node's crypto module, loaded on first use. Loading it takes a millisecond or two, and most
 * commands never hash anything or pick a random name, yet the modules that might (shard
 * fingerprints, trace cache keys, temporary names) are loaded by every run.
 */
import { createRequire } from 'node:module';

type NodeCrypto = typeof import('node:crypto');

let loaded: NodeCrypto | undefined;

export function nodeCrypto(): NodeCrypto {
  return (loaded ??= createRequire(import.meta.url)('node:crypto') as NodeCrypto);
}

/**
 * Node's modules that most commands never use, loaded on first use: loading one takes a
 * millisecond or two, yet the modules that might use them are loaded by every run. crypto:
 * shard fingerprints, trace cache keys, temporary names; zlib: gunzip and the binary
 * format's CRC; worker_threads: threads, for a grid of more than one cell or a large file.
 */
import { createRequire } from 'node:module';

type NodeCrypto = typeof import('node:crypto');
type NodeZlib = typeof import('node:zlib');
type NodeWorkers = typeof import('node:worker_threads');

const load = createRequire(import.meta.url);
let crypto: NodeCrypto | undefined;
let zlib: NodeZlib | undefined;
let workers: NodeWorkers | undefined;

export function nodeCrypto(): NodeCrypto {
  return (crypto ??= load('node:crypto') as NodeCrypto);
}

export function nodeZlib(): NodeZlib {
  return (zlib ??= load('node:zlib') as NodeZlib);
}

export function nodeWorkers(): NodeWorkers {
  return (workers ??= load('node:worker_threads') as NodeWorkers);
}

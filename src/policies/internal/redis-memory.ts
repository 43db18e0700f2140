/**
 * What one string key costs Redis 7 in `used_memory`, so redis-lru and redis-lfu can run at
 * `maxmemory` bytes (`memory=redis`) instead of counting only the values.
 *
 * Per key, each allocation rounded up to jemalloc 5's size class (Redis counts usable sizes):
 * - the dictEntry (key, value and next pointers: 24 bytes);
 * - the key, an sds string: a 1-byte header under 32 bytes (SDS_TYPE_5), 3 under 256, 5
 *   under 64 KiB, then 9; plus the bytes and a NUL;
 * - the value: up to 44 bytes one EMBSTR allocation of the 16-byte object, a 3-byte sds
 *   header, the bytes and a NUL; longer, the object and its own sds;
 * - with a TTL, a second dictEntry in the expires dict.
 * Plus the main dict's bucket array, 8 bytes a slot at a power-of-two size, and the empty
 * server's own `used_memory` (the baseline). Source: Redis 7.0 `object.c`
 * (createStringObject), `sds.c` (sdsReqType), `dict.c` (_dictExpandIfNeeded), `server.c`
 * (dictExpandAllowed); checked against a real server's used_memory in the test suite.
 */

/** jemalloc 5's size class for a request of `bytes` (x86-64: 16-byte quantum, 4 classes per doubling). */
export function jemallocSize(bytes: number): number {
  if (bytes <= 8) return 8;
  if (bytes <= 128) return Math.ceil(bytes / 16) * 16;
  const group = 2 ** Math.floor(Math.log2(bytes - 1));
  const step = group / 4;
  return Math.ceil(bytes / step) * step;
}

const DICT_ENTRY = 24;
const OBJECT = 16;
const EMBSTR_LIMIT = 44;

function sdsHeader(length: number): number {
  if (length < 32) return 1;
  if (length < 256) return 3;
  if (length < 65536) return 5;
  return 9;
}

/** used_memory one string key with a value of `valueBytes` adds, bucket array aside. */
export function redisKeyBytes(keyBytes: number, valueBytes: number, withTtl = false): number {
  const entry = jemallocSize(DICT_ENTRY);
  const key = jemallocSize(sdsHeader(keyBytes) + keyBytes + 1);
  const value =
    valueBytes <= EMBSTR_LIMIT
      ? jemallocSize(OBJECT + 3 + valueBytes + 1)
      : jemallocSize(OBJECT) + jemallocSize(sdsHeader(valueBytes) + valueBytes + 1);
  return entry + key + value + (withTtl ? entry : 0);
}

/** The bucket array of a dict of `slots` slots. */
export function tableBytes(slots: number): number {
  return jemallocSize(8 * slots);
}

/** Redis grows a dict past load factor 1 unless that would exceed maxmemory, up to this load. */
export const MAX_LOAD_BEFORE_FORCED_GROWTH = 1.618;

/** used_memory of a fresh Redis 7.0 with the replay's script loaded (1.1 to 1.24 MB measured here): give `baseline=` from your server's INFO memory. */
export const DEFAULT_REDIS_BASELINE = 1_100_000;

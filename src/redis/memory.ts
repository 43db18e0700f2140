/**
 * Bytes as Redis users read them ("64mb", "1.5mb"), in redis.conf's binary units. Sizes are
 * parsed by src/units.ts, whose units are redis.conf's own, so `--maxmemory 64mb` is the
 * byte count `maxmemory 64mb` gives the server.
 */
import { formatBytes } from '../units.js';

export function formatRedisMemory(bytes: number): string {
  return formatBytes(bytes, 'kb');
}

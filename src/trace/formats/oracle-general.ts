/**
 * libCacheSim's oracleGeneral binary traces (the form its published traces come in, usually
 * `.oracleGeneral.zst`): 24-byte little-endian records of uint32 time (seconds), uint64
 * object id, uint32 object size, int64 next access (the request number of the object's next
 * request, -1 for none), no header. The next-access column is the offline policies' input
 * and is recomputed here from the trace itself, so it is not read.
 */
import { readRecordId } from './lcs.js';
import { forEachRecord, RequestCollector } from './records.js';
import type { TraceFormat } from './format.js';

const RECORD_BYTES = 24;

export const oracleGeneral: TraceFormat = {
  id: 'oracle-general',
  description: "libCacheSim's oracleGeneral binary records (time, id, size, next access), plain or .zst",
  columns:
    'time: uint32 seconds; key: uint64 object id; size: uint32 bytes (size-0 records are left out, as libCacheSim does); next access: not read',
  // No magic number: known by name, as libCacheSim's own tools know it.
  detect: (name) => /oraclegeneral/i.test(name),
  load: async (input, { onProgress, store }) => {
    const requests = new RequestCollector(input.path, { store, positions: 'record' });
    await forEachRecord(
      input,
      { recordBytes: RECORD_BYTES },
      (buf, at, index) => {
        const size = buf.readUInt32LE(at + 12);
        // libCacheSim's cachesim skips requests of size 0 (ignore_size_zero_req), so its
        // miss counts are over the others; so are ours.
        if (size === 0) return;
        requests.add(readRecordId(requests, buf, at + 4), { time: buf.readUInt32LE(at), size }, index + 1);
      },
      onProgress,
    );
    return requests.finish();
  },
  bytesPerRow: RECORD_BYTES,
};

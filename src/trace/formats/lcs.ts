/**
 * libCacheSim's lcs binary traces: a 1024-byte header, then fixed-size little-endian records
 * whose layout the header spells out as a Python struct format string (`<IQIq`) with the
 * 1-based positions of the object id, size, time, op and TTL fields. The header starts and
 * ends with the magic 0x123456789abcdef0, which is how the format is recognised.
 */
import { TraceFormatError } from '../../errors.js';
import { OP_DELETE, OP_GET, OP_SET } from '../trace.js';
import type { TraceFormat } from './format.js';
import { forEachRecord, RequestCollector } from './records.js';

const HEADER_BYTES = 1024;
const MAGIC = Buffer.from([0xf0, 0xde, 0xbc, 0x9a, 0x78, 0x56, 0x34, 0x12]);

/** Bytes of each Python struct field code libCacheSim's lcs writer uses. */
const FIELD_BYTES: Readonly<Record<string, number>> = { c: 1, b: 1, B: 1, h: 2, H: 2, i: 4, I: 4, q: 8, Q: 8, f: 4, d: 8 };

/** libCacheSim's req_op_e: reads, writes and deletes. */
const LCS_OPS: readonly number[] = (() => {
  const ops: number[] = [];
  // 0 OP_NOP, 1 GET, 2 GETS, 12 READ are reads; 9 DELETE; the rest change the value.
  for (let code = 0; code <= 15; code++) ops[code] = [0, 1, 2, 12].includes(code) ? OP_GET : code === 9 ? OP_DELETE : OP_SET;
  return ops;
})();

interface Field {
  readonly code: string;
  readonly offset: number;
}

/** The key id of the uint64 at `at`: exact as a number below 2^53, as text above. */
export function readRecordId(requests: RequestCollector, buf: Buffer, at: number): number {
  const low = buf.readUInt32LE(at);
  const high = buf.readUInt32LE(at + 4);
  if (high < 0x200000) return requests.numericKey(high * 0x100000000 + low);
  return requests.textKey(buf.readBigUInt64LE(at).toString());
}

function readNumber(buf: Buffer, at: number, code: string): number {
  switch (code) {
    case 'c':
    case 'b':
      return buf.readInt8(at);
    case 'B':
      return buf.readUInt8(at);
    case 'h':
      return buf.readInt16LE(at);
    case 'H':
      return buf.readUInt16LE(at);
    case 'i':
      return buf.readInt32LE(at);
    case 'I':
      return buf.readUInt32LE(at);
    case 'q':
      return Number(buf.readBigInt64LE(at));
    case 'Q':
      return Number(buf.readBigUInt64LE(at));
    case 'f':
      return buf.readFloatLE(at);
    default:
      return buf.readDoubleLE(at);
  }
}

interface RecordFields {
  readonly itemBytes: number;
  readonly id: Field;
  readonly size: Field | undefined;
  readonly time: Field | undefined;
  readonly op: Field | undefined;
  readonly ttl: Field | undefined;
}

/** The record layout the header spells out; a header that does not add up is refused. */
function recordLayout(header: Buffer, path: string): RecordFields {
  const invalid = (why: string): never => {
    throw new TraceFormatError(`not a valid lcs trace (${why})`, path);
  };
  if (!header.subarray(0, 8).equals(MAGIC) || !header.subarray(1016, 1024).equals(MAGIC)) invalid('bad magic');
  const formatEnd = header.indexOf(0, 8);
  const format = header.toString('latin1', 8, formatEnd < 0 || formatEnd > 248 ? 248 : formatEnd);
  const fieldCount = header.readUInt32LE(1000);
  const itemBytes = header.readUInt32LE(1004);
  if (!/^[<=]/.test(format)) invalid(`format '${format}' is not little-endian`);
  if (fieldCount !== format.length - 1) invalid(`${fieldCount} fields, but the format '${format}' has ${format.length - 1}`);
  const fields: Field[] = [];
  let offset = 0;
  for (const code of format.slice(1)) {
    const bytes = FIELD_BYTES[code] ?? invalid(`unknown field code '${code}' in '${format}'`);
    fields.push({ code, offset });
    offset += bytes;
  }
  if (offset !== itemBytes || itemBytes === 0) invalid(`records of ${itemBytes} bytes, but the format '${format}' makes ${offset}`);
  const fieldAt = (position: number): Field | undefined => (position === 0 ? undefined : fields[position - 1]);
  const id = fieldAt(header[248]!);
  if (!id || !/[qQiI]/.test(id.code)) return invalid('no integer object id field');
  return { itemBytes, id, size: fieldAt(header[249]!), time: fieldAt(header[250]!), op: fieldAt(header[253]!), ttl: fieldAt(header[254]!) };
}

function recordReader(fields: RecordFields, requests: RequestCollector): (buf: Buffer, at: number, index: number) => void {
  const { id: idField, size: sizeField, time: timeField, op: opField, ttl: ttlField } = fields;
  const wideId = /[qQ]/.test(idField.code);
  return (buf, at, index) => {
    const size = sizeField ? readNumber(buf, at + sizeField.offset, sizeField.code) : undefined;
    if (size === 0) return; // as libCacheSim's cachesim does (ignore_size_zero_req)
    const id = wideId
      ? readRecordId(requests, buf, at + idField.offset)
      : requests.numericKey(readNumber(buf, at + idField.offset, idField.code));
    const ttl = ttlField ? readNumber(buf, at + ttlField.offset, ttlField.code) : undefined;
    const opCode = opField ? readNumber(buf, at + opField.offset, opField.code) : undefined;
    requests.add(
      id,
      {
        ...(timeField && { time: readNumber(buf, at + timeField.offset, timeField.code) }),
        ...(size !== undefined && { size }),
        ...(opCode !== undefined && { op: LCS_OPS[opCode] ?? OP_GET }),
        // libCacheSim's TTL 0 is no TTL: the object never expires.
        ...(ttl !== undefined && { ttl: ttl > 0 ? ttl : Infinity }),
      },
      index + 1,
    );
  };
}

export const lcs: TraceFormat = {
  id: 'lcs',
  description: "libCacheSim's lcs binary traces (a self-describing header, then fixed records), plain or .zst",
  columns:
    "as the header names them: key: obj_id field; time: time field (seconds); size: obj_size field; op: op field (libCacheSim's op codes); ttl: ttl field (0 = no expiry)",
  detect: (_name, head) => head.length >= 8 && head.subarray(0, 8).equals(MAGIC),
  load: async (input, { onProgress, store }) => {
    const requests = new RequestCollector(input.path, { store, positions: 'record' });
    let read: ((buf: Buffer, at: number, index: number) => void) | undefined;
    await forEachRecord(
      input,
      {
        headerBytes: HEADER_BYTES,
        onHeader: (header) => {
          const layout = recordLayout(header, input.path);
          read = recordReader(layout, requests);
          return layout.itemBytes;
        },
      },
      (buf, at, index) => {
        read!(buf, at, index);
      },
      onProgress,
    );
    return requests.finish();
  },
  bytesPerRow: 24,
};

/**
 * MSR Cambridge block I/O traces (SNIA IOTTA): CSV without a header, a row per I/O:
 * Timestamp (Windows filetime: 100 ns ticks since 1601), Hostname, DiskNumber, Type (Read or
 * Write), Offset (bytes), Size (bytes), ResponseTime (ticks). A cache of blocks sees one
 * request per block the I/O touches.
 */
import { TraceFormatError, UsageError } from '../../errors.js';
import { OP_GET, OP_SET } from '../trace.js';
import { everyLine, type TraceFormat } from './format.js';
import { RequestCollector, commaFields, forEachLine, wholeNumber } from './records.js';

const FIELDS = ['Timestamp', 'Hostname', 'DiskNumber', 'Type', 'Offset', 'Size', 'ResponseTime'];
const ROW = /^\d+,[^,]+,\d+,(Read|Write),\d+,\d+,\d+$/i;
/** Filetime ticks at the Unix epoch (1970-01-01), and ticks per second. */
const EPOCH_TICKS = 116444736000000000n;
const TICKS_PER_SECOND = 10_000_000n;

export const msr: TraceFormat = {
  id: 'msr',
  description: 'MSR Cambridge block traces (filetime, host, disk, Read/Write, offset, size, response time)',
  columns:
    'time: filetime as Unix seconds; key: host:disk:block for every block of block-size bytes the I/O touches; size: block-size; op: Read to get, Write to set; response time: not read',
  params: [{ name: 'block-size', description: 'bytes per cached block', default: '4096' }],
  detect: (_name, head) => everyLine(head, ROW),
  load: async (input, { onProgress, store }, params) => {
    const path = input.path;
    const blockText = params.get('block-size') ?? '4096';
    const blockSize = /^\d+$/.test(blockText) ? Number(blockText) : NaN;
    if (!(blockSize >= 1 && blockSize <= 0xffffffff))
      throw new UsageError(`block-size must be a whole number of bytes, not '${blockText}'`, 'formatParams.block-size');
    const requests = new RequestCollector(path, { store });
    await forEachLine(
      input,
      (text, line) => {
        if (text === '') return;
        const fields = commaFields(text, FIELDS, requests, line, 'an MSR row');
        const [ticks, host, disk, type, offsetText, sizeText] = fields as [string, string, string, string, string, string];
        if (!/^\d+$/.test(ticks)) throw new TraceFormatError(`field 1 (timestamp): '${ticks}' is not a filetime`, path, line, 1);
        const time = Number(((BigInt(ticks) - EPOCH_TICKS) * 1_000_000n) / TICKS_PER_SECOND) / 1e6;
        const kind = type.toLowerCase();
        if (kind !== 'read' && kind !== 'write') requests.fail(`field 4 (type): '${type}' is not Read or Write`, line, 4);
        const offset = wholeNumber(offsetText, 'offset', path, line, 5);
        const bytes = wholeNumber(sizeText, 'size', path, line, 6);
        if (bytes === 0) return;
        const first = Math.floor(offset / blockSize);
        const last = Math.floor((offset + bytes - 1) / blockSize);
        const op = kind === 'read' ? OP_GET : OP_SET;
        for (let block = first; block <= last; block++) {
          requests.add(requests.textKey(`${host}:${disk}:${block}`), { time, size: blockSize, op }, line, 1);
        }
      },
      onProgress,
    );
    return requests.finish();
  },
  bytesPerRow: 60,
};

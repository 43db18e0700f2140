/**
 * CDN request traces as the caching research community publishes them: whitespace-separated
 * lines of `time id size`, with any further fields ignored (the webcachesim layout, which the
 * Wikipedia 2018 and the LRB papers' CDN traces use), or the same with a header naming the
 * columns (the Wikimedia 2019 traces: `relative_unix hashed_host_path_query image_type
 * response_size time_firstbyte`, tab-separated; time_firstbyte becomes the miss cost).
 */
import { headLines, type TraceFormat } from './format.js';
import { RequestCollector, decimalNumber, fieldsOf, forEachLine, wholeNumber } from './records.js';

const ROW = /^\d+(\.\d+)?[ \t]+\S+[ \t]+\d+([ \t].*)?$/;
const NAMES = {
  time: ['relative_unix', 'timestamp', 'time', 'ts'],
  key: ['hashed_host_path_query', 'hashed_path', 'id', 'object_id', 'obj_id', 'key'],
  size: ['response_size', 'size', 'obj_size'],
  cost: ['time_firstbyte'],
} as const;

function headerPositions(fields: readonly string[]): { time: number; key: number; size: number; cost: number } | undefined {
  const lower = fields.map((field) => field.toLowerCase());
  const find = (names: readonly string[]): number => lower.findIndex((field) => names.includes(field));
  const positions = { time: find(NAMES.time), key: find(NAMES.key), size: find(NAMES.size), cost: find(NAMES.cost) };
  return positions.time >= 0 && positions.key >= 0 && positions.size >= 0 ? positions : undefined;
}

export const cdn: TraceFormat = {
  id: 'cdn',
  description: 'CDN traces: whitespace-separated time, object id, size (webcachesim layout, or a header naming them)',
  columns:
    'time: first field (seconds); key: second; size: third; further fields not read. With a header (relative_unix, hashed_host_path_query, response_size, time_firstbyte): those, and cost: time_firstbyte',
  detect: (_name, head) => {
    const lines = headLines(head);
    if (lines.length === 0) return false;
    const named = headerPositions(fieldsOf(lines[0]!));
    if (!named) return lines.every((line) => ROW.test(line));
    const number = /^\d+(\.\d+)?$/;
    const rows = lines.slice(1).map(fieldsOf);
    return rows.length > 0 && rows.every((fields) => number.test(fields[named.time] ?? '') && /^\d+$/.test(fields[named.size] ?? ''));
  },
  load: async (input, { onProgress, store }) => {
    const path = input.path;
    const requests = new RequestCollector(path, { store });
    let at: { time: number; key: number; size: number; cost: number } | undefined;
    let first = true;
    await forEachLine(
      input,
      (text, line) => {
        const fields = fieldsOf(text);
        if (fields.length === 0) return;
        if (first) {
          first = false;
          at = headerPositions(fields);
          if (at) return;
          at = { time: 0, key: 1, size: 2, cost: -1 };
        }
        const need = Math.max(at!.time, at!.key, at!.size, at!.cost) + 1;
        if (fields.length < need)
          requests.fail(`a CDN line has at least ${need} fields (time, id, size); this one has ${fields.length}`, line);
        const cost = at!.cost >= 0 ? decimalNumber(fields[at!.cost], 'time_firstbyte', path, line, at!.cost + 1) : undefined;
        requests.add(
          requests.textKey(fields[at!.key]!),
          {
            time: decimalNumber(fields[at!.time], 'time', path, line, at!.time + 1),
            size: wholeNumber(fields[at!.size], 'size', path, line, at!.size + 1),
            ...(cost !== undefined && { cost }),
          },
          line,
        );
      },
      onProgress,
    );
    return requests.finish();
  },
  bytesPerRow: 24,
};

/**
 * What happens when a cache goes away, and how the origin takes it:
 * - `--outage L2@10m+30s`: the tier is unreachable for 30 s from 10 minutes after the first
 *   request. Requests skip it (no lookup, no fill) and go on to the next tier or the origin;
 *   writes and invalidations sent to it are lost, so what it holds when it comes back may be
 *   stale, as after a network partition.
 * - `--restart L1@1h`: the tier starts cold at that moment (for L1, every instance's: a
 *   deploy); a Redis restarted without persistence is `--restart L2@…`.
 * - `--origin-limit 500/s`: at most 500 origin fetches start in any second of trace time
 *   (seconds counted from the first request's whole second, as origin load is). The rest are
 *   shed (the request fails: no value, no fill) or, with `500/s:queue`, wait in order for the
 *   next second with room, the wait added to their latency.
 *
 * Each incident is measured against the hit rate before it: `steady` is the hit rate of the
 * affected tier and those above it (for L1, the L1 hit rate; for L2 in a two-tier chain, the
 * end-to-end hit rate) over the minute before the incident (from the trace's start or the end
 * of the previous incident if sooner, at least ten seconds). It has recovered at the first
 * whole second after it ended from which the next ten seconds hit within one point of steady.
 */
import { UsageError } from '../../errors.js';
import { parseCount, parseDuration } from '../../units.js';

export interface Incident {
  readonly kind: 'outage' | 'restart';
  /** The tier, 0 for L1. */
  readonly tier: number;
  /** Seconds after the first request. */
  readonly at: number;
  /** Seconds unreachable; 0 for a restart. */
  readonly duration: number;
}

export interface OriginLimit {
  /** Origin fetches that may start in one second. */
  readonly perSecond: number;
  /** What a fetch over the limit does: fail at once, or wait for room. */
  readonly excess: 'shed' | 'queue';
}

/** The window before an incident its steady hit rate is read over, and the least of it that will do. */
export const STEADY_WINDOW = 60;
export const MIN_STEADY_WINDOW = 10;
/** The window that must hit within RECOVERED_WITHIN of steady for the tier to count as recovered. */
export const RECOVERY_WINDOW = 10;
export const RECOVERED_WITHIN = 0.01;

const TIER = /^\s*l(\d+)\s*@\s*(.+)$/i;

/** `L2@10m+30s,L2@1h+5m`. */
export function parseOutages(text: string, flag = 'outage'): Incident[] {
  return pieces(text, flag).map((piece) => {
    const { tier, rest } = tierOf(piece, flag, 'L2@10m+30s');
    const plus = rest.lastIndexOf('+');
    if (plus <= 0) throw new UsageError(`'${piece}' should be tier@start+duration, e.g. L2@10m+30s`, flag);
    const at = parseDuration(rest.slice(0, plus), flag);
    const duration = parseDuration(rest.slice(plus + 1), flag);
    if (!(duration > 0)) throw new UsageError(`'${piece}': an outage lasts longer than nothing`, flag);
    return { kind: 'outage', tier, at, duration };
  });
}

/** `L1@1h,L1@2h`. */
export function parseRestarts(text: string, flag = 'restart'): Incident[] {
  return pieces(text, flag).map((piece) => {
    const { tier, rest } = tierOf(piece, flag, 'L1@1h');
    return { kind: 'restart', tier, at: parseDuration(rest, flag), duration: 0 };
  });
}

/** `500/s` sheds what is over the limit; `500/s:queue` makes it wait. */
export function parseOriginLimit(text: string, flag = 'origin-limit'): OriginLimit {
  const match = /^\s*([^/]+)\/s(?:ec)?\s*(?::\s*(shed|queue))?\s*$/i.exec(text);
  if (!match) throw new UsageError(`'${text}' should be fetches per second, e.g. 500/s or 500/s:queue`, flag);
  return { perSecond: parseCount(match[1]!, flag), excess: (match[2]?.toLowerCase() ?? 'shed') as 'shed' | 'queue' };
}

function pieces(text: string, flag: string): string[] {
  const list = text.split(',').map((piece) => piece.trim());
  if (list.some((piece) => piece === '')) throw new UsageError(`'${text}' has an empty piece (two commas in a row?)`, flag);
  return list;
}

function tierOf(piece: string, flag: string, example: string): { tier: number; rest: string } {
  const match = TIER.exec(piece);
  if (!match) throw new UsageError(`'${piece}' should name a tier and a time, e.g. ${example}`, flag);
  const level = Number(match[1]);
  if (level < 1) throw new UsageError(`'${piece}': tiers are L1 (closest), L2, ...`, flag);
  return { tier: level - 1, rest: match[2]! };
}

/** `outage L2@10m+30s`, `restart L1@1h`: as typed. */
export function incidentLabel(incident: Incident): string {
  const at = `L${incident.tier + 1}@${formatSeconds(incident.at)}`;
  return incident.kind === 'outage' ? `outage ${at}+${formatSeconds(incident.duration)}` : `restart ${at}`;
}

export function originLimitLabel(limit: OriginLimit): string {
  return `${limit.perSecond}/s${limit.excess === 'queue' ? ':queue' : ''}`;
}

function formatSeconds(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60}m`;
  return `${Number(seconds.toPrecision(6))}s`;
}

/**
 * The origin's admission: at most `perSecond` fetches start in one whole second of trace
 * time. Queued fetches keep their order, so a fetch never starts before one queued earlier.
 */
export class OriginLimiter {
  /** The second the latest admitted fetch started in, and how many started in it. */
  private second = -Infinity;
  private used = 0;
  shed = 0;
  delayed = 0;
  delaySum = 0;
  longestDelay = 0;

  constructor(private readonly limit: OriginLimit) {}

  /** When a fetch asked for at `now` may start: `now`, later (queued), or NaN (shed). */
  admit(now: number): number {
    const second = Math.floor(now);
    if (second > this.second) {
      this.second = second;
      this.used = 1;
      return now;
    }
    if (this.used < this.limit.perSecond) {
      this.used++;
      // In the queue's own later second, a fetch waits for that second to begin.
      return this.start(now, this.second === second ? now : this.second);
    }
    if (this.limit.excess === 'shed') {
      this.shed++;
      return NaN;
    }
    this.second++;
    this.used = 1;
    return this.start(now, this.second);
  }

  private start(now: number, at: number): number {
    if (at > now) {
      const wait = at - now;
      this.delayed++;
      this.delaySum += wait;
      if (wait > this.longestDelay) this.longestDelay = wait;
    }
    return at;
  }
}

/**
 * Per whole second of trace time: requests, hits at or above each tier, and origin fetches,
 * read after the run to measure each incident's recovery.
 */
export class RecoveryMeter {
  private readonly start: number;
  private readonly requests: Uint32Array;
  /** hitsUpTo[t][s]: requests of second s that hit in tier t or one closer. */
  private readonly hitsUpTo: Uint32Array[];
  private readonly origin: Uint32Array;

  constructor(first: number, last: number, tierCount: number) {
    this.start = Math.floor(first);
    const seconds = Math.max(1, Math.floor(last) - this.start + 1);
    this.requests = new Uint32Array(seconds);
    this.hitsUpTo = Array.from({ length: tierCount }, () => new Uint32Array(seconds));
    this.origin = new Uint32Array(seconds);
  }

  /** A get at `now` that hit in tier `hitTier` (-1: it missed every tier). */
  request(now: number, hitTier: number): void {
    const s = Math.floor(now) - this.start;
    this.requests[s]!++;
    if (hitTier < 0) return;
    for (let t = hitTier; t < this.hitsUpTo.length; t++) this.hitsUpTo[t]![s]!++;
  }

  originFetch(now: number): void {
    this.origin[Math.floor(now) - this.start]!++;
  }

  /** How `incident` went; `previousEnd` is where the incident before it ended (seconds after the first request), or -Infinity. */
  measure(incident: Incident, firstTime: number, previousEnd: number): IncidentCounts {
    const offset = firstTime - this.start;
    const seconds = this.requests.length;
    const begin = Math.floor(incident.at + offset);
    const end = Math.ceil(incident.at + incident.duration + offset);
    const hits = this.hitsUpTo[Math.min(incident.tier, this.hitsUpTo.length - 1)]!;
    const rate = (from: number, to: number): number | null => {
      let requests = 0;
      let hit = 0;
      for (let s = Math.max(0, from); s < Math.min(seconds, to); s++) {
        requests += this.requests[s]!;
        hit += hits[s]!;
      }
      return requests === 0 ? null : hit / requests;
    };
    const steadyFrom = Math.max(begin - STEADY_WINDOW, 0, Number.isFinite(previousEnd) ? Math.ceil(previousEnd + offset) : 0);
    const steady = begin - steadyFrom >= MIN_STEADY_WINDOW ? rate(steadyFrom, begin) : null;
    let recoveredAt: number | null = null;
    if (steady !== null) {
      for (let s = end; s + RECOVERY_WINDOW <= seconds; s++) {
        const windowRate = rate(s, s + RECOVERY_WINDOW);
        if (windowRate !== null && windowRate >= steady - RECOVERED_WITHIN) {
          recoveredAt = s;
          break;
        }
      }
    }
    let peak = 0;
    const peakEnd = recoveredAt === null ? seconds : Math.max(recoveredAt, end);
    for (let s = Math.max(0, begin); s < Math.min(seconds, Math.max(peakEnd, begin + 1)); s++) peak = Math.max(peak, this.origin[s]!);
    return {
      steadyHitRate: steady,
      hitRateDuring: rate(begin, Math.max(end, begin + RECOVERY_WINDOW)),
      recoverySeconds: recoveredAt === null ? null : recoveredAt - end,
      originPeakPerSecond: peak,
    };
  }
}

export interface IncidentCounts {
  /** Hit rate of the tier and those above it before the incident; null when there is too little before it. */
  readonly steadyHitRate: number | null;
  /** The same hit rate over the incident (a restart: over the ten seconds after it). */
  readonly hitRateDuring: number | null;
  /** Seconds from the end of the incident to recovery; null when it never recovered (or no steady rate). */
  readonly recoverySeconds: number | null;
  /** Most origin fetches in one second from the start of the incident until recovery (or the end of the trace). */
  readonly originPeakPerSecond: number;
}

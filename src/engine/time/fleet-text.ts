/**
 * The fleet and incident settings as typed (`--instances 1,8`, `--outage L2@10m+30s`, or the
 * same fields of a gate config) to the library's options. `names` says what each came from,
 * so errors name the flag or the config field; the library checks how they combine.
 */
import type { SimulateOptions } from '../../api/options.js';
import { UsageError } from '../../errors.js';
import { parseCount } from '../../units.js';
import { BALANCES, parseInvalidations, type Balance } from './fleet.js';
import { parseOriginLimit, parseOutages, parseRestarts } from './incidents.js';

export interface FleetText {
  readonly instances?: string | undefined;
  readonly balance?: string | undefined;
  readonly invalidation?: string | undefined;
  readonly outage?: string | undefined;
  readonly restart?: string | undefined;
  readonly originLimit?: string | undefined;
}

export type FleetNames = Readonly<Record<keyof FleetText, string>>;

export function fleetOptionsOf(
  text: FleetText,
  names: FleetNames,
): Pick<SimulateOptions, 'instances' | 'balance' | 'invalidation' | 'outages' | 'restarts' | 'originLimit'> {
  const instances = text.instances?.split(',').map((piece) => parseCount(piece, names.instances));
  let balance: Balance | undefined;
  if (text.balance !== undefined) {
    const name = text.balance.trim().toLowerCase();
    if (!(BALANCES as readonly string[]).includes(name))
      throw new UsageError(`unknown balance '${text.balance}' (use ${BALANCES.join(', ')})`, names.balance);
    balance = name as Balance;
  }
  const invalidation = text.invalidation === undefined ? undefined : parseInvalidations(text.invalidation, names.invalidation);
  const outages = text.outage === undefined ? undefined : parseOutages(text.outage, names.outage);
  const restarts = text.restart === undefined ? undefined : parseRestarts(text.restart, names.restart);
  const limit = text.originLimit === undefined ? undefined : parseOriginLimit(text.originLimit, names.originLimit);
  return {
    ...(instances !== undefined && { instances }),
    ...(balance !== undefined && { balance }),
    ...(invalidation !== undefined && {
      invalidation: invalidation.map((mode) =>
        mode.kind === 'pubsub' ? { kind: 'pubsub' as const, delayMs: mode.delay * 1e3 } : mode.kind,
      ),
    }),
    ...(outages !== undefined && {
      outages: outages.map((outage) => ({ tier: outage.tier + 1, atMs: outage.at * 1e3, durationMs: outage.duration * 1e3 })),
    }),
    ...(restarts !== undefined && { restarts: restarts.map((restart) => ({ tier: restart.tier + 1, atMs: restart.at * 1e3 })) }),
    ...(limit !== undefined && { originLimit: { perSecond: limit.perSecond, excess: limit.excess } }),
  };
}

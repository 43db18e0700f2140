/**
 * A gate config's run settings as the library's typed options, built straight from the
 * config's values (no detour through command-line flags). Errors name the file and the
 * field; errors the library raises later name option paths, which `fieldOfOption` maps back
 * to the field they came from.
 */
import type { SimulateOptions } from '../api/options.js';
import { UsageError } from '../errors.js';
import { parseSizes } from '../engine/sizes.js';
import { parseWritePolicies } from '../engine/time/freshness.js';
import { parseStampedes } from '../engine/time/stampede.js';
import { parseTiers } from '../engine/time/tiers.js';
import { splitPolicyList } from '../policies/index.js';
import { parseCount, parseDuration } from '../units.js';
import { parseTtlSettings, ttlClassOptions } from '../engine/ttl-classes.js';
import { fleetOptionsOf, type FleetNames } from '../engine/time/fleet-text.js';
import type { GateConfig } from './config.js';

/** The config field each library option comes from. */
const FIELD_OF_OPTION: Readonly<Record<string, string>> = {
  policies: 'policies',
  unit: 'capacity',
  ttlsMs: 'ttl',
  ttlJitter: 'ttl',
  lookupCostMs: 'lookupCost',
  missCostMs: 'missCost',
  seed: 'seed',
  tiers: 'tiers',
  writePolicy: 'writePolicy',
  flushIntervalMs: 'flushInterval',
  stampede: 'stampede',
  ttlClasses: 'ttl',
  instances: 'instances',
  balance: 'balance',
  invalidation: 'invalidation',
  outages: 'outage',
  restarts: 'restart',
  originLimit: 'originLimit',
  'originLimit.perSecond': 'originLimit',
  'originLimit.excess': 'originLimit',
};

/** The field an option path came from, or undefined when it is not one of the config's. */
export function fieldOfOption(path: string, config: GateConfig): string | undefined {
  const option = path.replace(/\[\d+\].*$/, '');
  if (option === 'capacities') return config.capacity !== undefined ? 'capacity' : 'maxsize';
  return FIELD_OF_OPTION[option];
}

/** A library error naming an option path, as an error in the config field it came from. */
export function blameField(error: unknown, config: GateConfig): unknown {
  if (!(error instanceof UsageError) || error.where === undefined) return error;
  const field = fieldOfOption(error.where, config) ?? (Object.hasOwn(config, error.where) ? error.where : undefined);
  return field === undefined ? error : new UsageError(`${config.file}: field '${field}': ${error.detail}`);
}

/** The fleet and incident fields, each error named as its field. */
function fleetOptionsOfConfig(config: GateConfig): ReturnType<typeof fleetOptionsOf> {
  try {
    return fleetOptionsOf(config, FLEET_FIELDS);
  } catch (error) {
    throw blameField(error, config);
  }
}

const FLEET_FIELDS: FleetNames = {
  instances: 'instances',
  balance: 'balance',
  invalidation: 'invalidation',
  outage: 'outage',
  restart: 'restart',
  originLimit: 'originLimit',
};

export function simulateOptionsOfConfig(config: GateConfig): SimulateOptions {
  // Each value is parsed with the config field as its label, then blamed on the field.
  const field = <T>(name: keyof GateConfig, parse: (text: string) => T): T => {
    try {
      return parse(config[name] as string);
    } catch (error) {
      throw blameField(error instanceof UsageError ? new UsageError(error.detail, name) : error, config);
    }
  };
  if (config.maxsize !== undefined && config.capacity !== undefined) {
    throw new UsageError(`${config.file}: give either 'maxsize' (entries) or 'capacity' (bytes), not both`);
  }
  const tiers = config.tiers === undefined ? undefined : field('tiers', (text) => parseTiers(text, 'tiers'));
  const unit = config.capacity !== undefined ? 'bytes' : tiers ? tiers.unit : 'entries';
  const sizes =
    config.capacity !== undefined
      ? field('capacity', (text) => parseSizes(text, 'bytes', 'capacity'))
      : config.maxsize !== undefined
        ? field('maxsize', (text) => parseSizes(text, 'entries', 'maxsize'))
        : undefined;
  const ttl = config.ttl === undefined ? undefined : field('ttl', (text) => parseTtlSettings(text, 'ttl'));
  return {
    ...(config.policies !== undefined && { policies: field('policies', (text) => splitPolicyList(text, 'policies')) }),
    ...(sizes !== undefined && { capacities: sizes }),
    unit,
    ...(ttl?.ttls !== undefined && { ttlsMs: ttl.ttls.map((seconds) => (seconds === null ? null : seconds * 1e3)) }),
    ...(ttl?.jitter !== undefined && { ttlJitter: ttl.jitter }),
    ...ttlClassOptions(ttl?.classes ?? []),
    ...(config.lookupCost !== undefined && { lookupCostMs: field('lookupCost', (text) => parseDuration(text, 'lookupCost', 'ms') * 1e3) }),
    ...(config.missCost !== undefined && { missCostMs: field('missCost', (text) => parseDuration(text, 'missCost', 'ms') * 1e3) }),
    ...(config.seed !== undefined && { seed: field('seed', (text) => parseCount(text, 'seed', { allowZero: true })) }),
    ...(tiers !== undefined && {
      tiers: tiers.tiers.map((tier) => ({ policy: tier.policy, capacity: tier.capacity, lookupCostMs: tier.lookupCost * 1e3 })),
    }),
    ...(config.writePolicy !== undefined && { writePolicy: field('writePolicy', (text) => parseWritePolicies(text, 'writePolicy')) }),
    ...(config.flushInterval !== undefined && {
      flushIntervalMs: field('flushInterval', (text) => parseDuration(text, 'flushInterval') * 1e3),
    }),
    ...(config.stampede !== undefined && { stampede: field('stampede', (text) => parseStampedes(text, 'stampede')) }),
    ...fleetOptionsOfConfig(config),
  };
}

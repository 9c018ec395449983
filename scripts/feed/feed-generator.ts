/**
 * Synthetic feeds of any size, for benchmarks: valid items drawn from the same update
 * families as the sample feed, with supersedence chains, prerequisites (some published
 * after the update that needs them), references to updates the feed never carries,
 * later revisions and expirations. The same options always give the same feed.
 */
import { FeedItem, Severity } from './feed-item';
import { addMinutes, monthLabel, monthsSince2025 } from './feed-calendar';
import { KbAllocator, MACOS_RELEASES, UBUNTU_RELEASES, WINDOWS_OSES, cveIds, windowsOs } from './feed-vocabulary';
import {
  CRITICAL_ISSUES,
  CumulativeKind,
  DRIVER_MODELS,
  DriverModel,
  OFFICE_2016_APPS,
  TOOL_TEMPLATES,
  UbuntuPackage,
  UpdateIdentity,
  criticalFix,
  defenderDefinitionUpdate,
  defenderPlatformUpdate,
  dotnetFrameworkUpdate,
  dotnetRuntimeUpdate,
  driverUpdate,
  edgeUpdate,
  featureExperiencePack,
  macosSecurityUpdate,
  macosUpgrade,
  maliciousSoftwareRemovalTool,
  microsoft365AppsUpdate,
  officeSecurityUpdate,
  safariUpdate,
  servicePack,
  servicingStackUpdate,
  systemCenterRollup,
  toolUpdate,
  ubuntuSecurityUpdate,
  windowsCumulativeUpdate,
  windowsFeatureUpdate,
} from './update-families';
import { RevisionChange, reviseItem, revisionChangeApplies, titleWithTypo } from './update-revisions';
import { Prng } from './prng';

export { writeFeed } from './feed-writer';
export type { FeedItem } from './feed-item';

export interface GenerateFeedOptions {
  /** Distinct updates (updateIds); revisions come on top. */
  updates: number;
  seed?: number;
  /** Share of updates published a second time as revision 2, 0..100 (default 10). */
  revisionsPercent?: number;
  /** Share of updates that end up expired, 0..100 (default 3). */
  expiredPercent?: number;
  /** Release date of the first update (default 2025-01-01). Later ones follow, up to two years on. */
  startDate?: Date;
}

export const DEFAULT_SEED = 1;
export const DEFAULT_REVISIONS_PERCENT = 10;
export const DEFAULT_EXPIRED_PERCENT = 3;
export const DEFAULT_START_DATE = new Date('2025-01-01T00:00:00Z');

/** All items in memory; for big feeds prefer iterateFeedItems with writeFeed. */
export function generateFeedItems(options: GenerateFeedOptions): FeedItem[] {
  return [...iterateFeedItems(options)];
}

type FamilyKey =
  | 'windows-cumulative'
  | 'dotnet-framework'
  | 'dotnet-runtime'
  | 'office'
  | 'm365'
  | 'defender-definition'
  | 'defender-platform'
  | 'msrt'
  | 'system-center-rollup'
  | 'driver'
  | 'edge'
  | 'critical-fix'
  | 'service-pack'
  | 'feature-pack'
  | 'tool'
  | 'windows-upgrade'
  | 'macos-upgrade'
  | 'ubuntu'
  | 'macos'
  | 'safari';

/** Relative frequency of each family, roughly that of a real multi-platform catalog. */
const FAMILY_WEIGHTS: readonly (readonly [FamilyKey, number])[] = [
  ['windows-cumulative', 22],
  ['dotnet-framework', 5],
  ['dotnet-runtime', 2],
  ['office', 6],
  ['m365', 2],
  ['defender-definition', 20],
  ['defender-platform', 2],
  ['msrt', 2],
  ['system-center-rollup', 1],
  ['driver', 8],
  ['edge', 3],
  ['critical-fix', 1],
  ['service-pack', 0.5],
  ['feature-pack', 1],
  ['tool', 1.5],
  ['windows-upgrade', 1],
  ['macos-upgrade', 0.3],
  ['ubuntu', 14],
  ['macos', 5],
  ['safari', 1.5],
];

/** The first ten updates cover every classification, so even a tiny feed has them all. */
const FIRST_FAMILIES: readonly FamilyKey[] = [
  'ubuntu', // security
  'defender-definition', // definition
  'msrt', // update_rollup
  'service-pack', // service_pack
  'feature-pack', // feature_pack
  'tool', // tool
  'driver', // driver
  'critical-fix', // critical
  'windows-upgrade', // upgrade
  'edge', // update
];

const REVISION_CHANGE_WEIGHTS: readonly (readonly [RevisionChange, number])[] = [
  ['title', 3],
  ['description', 3],
  ['add-file', 2],
  ['add-cves', 2],
  ['raise-severity', 1],
  ['require-eula', 0.5],
  ['add-supersedes', 1],
  ['add-arch', 0.5],
];

const SERVICE_PACK_PRODUCTS: readonly (readonly [string, string])[] = [
  ['Microsoft SQL Server 2022', 'SQL Server/SQL Server 2022'],
  ['Microsoft Exchange Server Subscription Edition', 'Exchange/Exchange Server SE'],
  ['Microsoft SharePoint Server Subscription Edition', 'SharePoint/SharePoint Server SE'],
];

/** Windows versions that still get separate servicing stack updates. */
const SSU_OS_KEYS: readonly string[] = ['win10-22h2', 'ws2019'];

interface ChainState {
  lastId: string | null;
  length: number;
  limit: number;
  /** How many updates the chain's family has produced: drives version numbers. */
  seq: number;
}

interface Scheduled {
  /** Emit once this many items are out. */
  due: number;
  order: number;
  item: FeedItem;
}

function percent(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0 || v > 100) throw new Error(`${name} must be within 0..100, got ${v}`);
  return v / 100;
}

/** Items one at a time, so a writer can page them out without holding the feed. */
export function* iterateFeedItems(options: GenerateFeedOptions): Generator<FeedItem> {
  const total = options.updates;
  if (!Number.isSafeInteger(total) || total < 0) throw new Error(`updates must be a non-negative integer, got ${total}`);
  const revisionShare = percent(options.revisionsPercent, DEFAULT_REVISIONS_PERCENT, 'revisionsPercent');
  const expiredShare = percent(options.expiredPercent, DEFAULT_EXPIRED_PERCENT, 'expiredPercent');
  const start = options.startDate ?? DEFAULT_START_DATE;
  if (Number.isNaN(start.getTime())) throw new Error('startDate is not a valid date');
  const rng = new Prng(options.seed ?? DEFAULT_SEED);

  // Spread releases over up to two years, about four a day for small feeds.
  const spanMinutes = Math.min(730, Math.max(30, total / 4)) * 24 * 60;
  const stepMinutes = total > 0 ? spanMinutes / total : 0;
  const monthsSpanned = Math.max(1, Math.ceil(spanMinutes / (30 * 24 * 60)));
  const kbBlock = Math.max(1_550, Math.ceil((total / monthsSpanned) * 10));
  const kbs = new KbAllocator(rng, 5_050_000 - monthsSince2025(start) * kbBlock, kbBlock);

  const chains = new Map<string, ChainState>();
  const link = (key: string, updateId: string): { supersedes: string[]; seq: number } => {
    let state = chains.get(key);
    if (!state) {
      state = { lastId: null, length: 0, limit: rng.int(8, 80), seq: 0 };
      chains.set(key, state);
    }
    let supersedes: string[] = [];
    if (state.lastId !== null && state.length < state.limit) {
      supersedes = [state.lastId];
    } else {
      // A chain (re)starts, e.g. a new product version; sometimes it replaces an update this feed never carried.
      state.length = 0;
      state.limit = rng.int(8, 80);
      if (rng.chance(0.3)) supersedes = [rng.uuid()];
    }
    state.lastId = updateId;
    state.length++;
    state.seq++;
    return { supersedes, seq: state.seq - 1 };
  };

  let usn = 7_600;
  let created = 0;
  let emitted = 0;
  let order = 0;
  const scheduled: Scheduled[] = [];
  const schedule = (item: FeedItem, delay: number): void => {
    scheduled.push({ due: emitted + delay, order: order++, item });
  };

  /** Decides revision 2 and expiry for a new update; returns revision 1 as published. */
  const publish = (item: FeedItem): FeedItem => {
    const revised = rng.chance(revisionShare);
    const expired = rng.chance(expiredShare);
    let first = item;
    if (revised) {
      let change: RevisionChange;
      if (expired && rng.chance(0.5)) change = 'expire';
      else {
        const candidates = REVISION_CHANGE_WEIGHTS.filter(([c]) => revisionChangeApplies(item, c));
        change = rng.weighted(candidates);
        if (expired) first = { ...first, state: 'expired' };
      }
      if (change === 'title') first = { ...first, title: titleWithTypo(first.title) };
      schedule(reviseItem(rng, first, change), rng.int(1, 400));
    } else if (expired) {
      first = { ...first, state: 'expired' };
    }
    return first;
  };

  const identity = (releasedAt: Date): UpdateIdentity => ({ updateId: rng.uuid(), releasedAt });
  const cves = (releasedAt: Date, min: number, max: number): string[] => cveIds(rng, releasedAt.getUTCFullYear(), rng.int(min, max));
  const severity = (): Severity => rng.weighted([['critical', 2], ['important', 5], ['moderate', 3], ['low', 1]] as const);

  /** Builds one update of a family; may schedule a companion (a new servicing stack update). */
  const build = (family: FamilyKey, releasedAt: Date, room: number): FeedItem => {
    const id = identity(releasedAt);
    const chained = (key: string): { seq: number } => {
      const { supersedes, seq } = link(key, id.updateId);
      id.supersedes = supersedes;
      return { seq };
    };
    switch (family) {
      case 'windows-cumulative': {
        const os = rng.pick(WINDOWS_OSES);
        const kind = rng.weighted<CumulativeKind>([['security', 85], ['preview', 10], ['out-of-band', 5]]);
        chained(`cu:${os.key}`);
        if (SSU_OS_KEYS.includes(os.key)) {
          const ssuChain = chains.get(`ssu:${os.key}`);
          if ((ssuChain === undefined || rng.chance(0.1)) && room >= 2) {
            // A new servicing stack update, published just after the update that needs it.
            const ssu: UpdateIdentity = { updateId: rng.uuid(), releasedAt };
            ssu.supersedes = link(`ssu:${os.key}`, ssu.updateId).supersedes;
            created++;
            schedule(publish(servicingStackUpdate(rng, ssu, { os, kb: kbs.next(releasedAt) })), rng.int(1, 5));
            id.prerequisites = [ssu.updateId];
          } else if (ssuChain?.lastId) {
            id.prerequisites = [ssuChain.lastId];
          }
        }
        return windowsCumulativeUpdate(rng, id, { os, kb: kbs.next(releasedAt), kind, cves: cves(releasedAt, 1, 9) });
      }
      case 'dotnet-framework': {
        const os = rng.pick(WINDOWS_OSES);
        chained(`dotnet:${os.key}`);
        return dotnetFrameworkUpdate(rng, id, { os, kb: kbs.next(releasedAt), cves: cves(releasedAt, 1, 3) });
      }
      case 'dotnet-runtime': {
        const major = rng.pick(['8.0', '9.0', '10.0']);
        const { seq } = chained(`dotnet-runtime:${major}`);
        return dotnetRuntimeUpdate(rng, id, { major, patch: seq + 1, kb: kbs.next(releasedAt), cves: cves(releasedAt, 1, 3) });
      }
      case 'office': {
        const app = rng.pick(OFFICE_2016_APPS);
        chained(`office:${app}`);
        return officeSecurityUpdate(rng, id, { app, kb: kbs.next(releasedAt), cves: cves(releasedAt, 1, 4) });
      }
      case 'm365': {
        const { seq } = chained('m365');
        const channelVersion = monthLabel(releasedAt).slice(2).replace('-', '');
        const build = `${19_000 + seq * 3}.${rng.int(20_100, 20_400)}`;
        return microsoft365AppsUpdate(rng, id, { channelVersion, build, cves: rng.chance(0.7) ? cves(releasedAt, 1, 5) : [] });
      }
      case 'defender-definition': {
        const { seq } = chained('defender');
        const version = `1.${431 + Math.floor(seq / 40)}.${(seq % 40) * 25 + rng.int(0, 20)}.0`;
        return defenderDefinitionUpdate(rng, id, { version });
      }
      case 'defender-platform': {
        const { seq } = chained('defender-platform');
        return defenderPlatformUpdate(rng, id, { version: `4.18.${25_010 + seq * 10}.${rng.int(1, 9)}` });
      }
      case 'msrt': {
        const { seq } = chained('msrt');
        return maliciousSoftwareRemovalTool(rng, id, { version: `5.${130 + seq}` });
      }
      case 'system-center-rollup': {
        const { seq } = chained('system-center');
        return systemCenterRollup(rng, id, { rollup: seq + 1, kb: kbs.next(releasedAt), severity: rng.pick([null, 'moderate', 'low'] as const) });
      }
      case 'driver': {
        const model = rng.pick(DRIVER_MODELS);
        const { seq } = chained(`driver:${model.key}`);
        return driverUpdate(rng, id, { model, version: driverVersion(model, seq) });
      }
      case 'edge': {
        const { seq } = chained('edge');
        return edgeUpdate(rng, id, { build: `${139 + Math.floor(seq / 4)}.0.${3_405 + seq * 11}.${rng.int(40, 99)}` });
      }
      case 'critical-fix': {
        const os = rng.pick(WINDOWS_OSES);
        const issue = rng.pick(CRITICAL_ISSUES);
        return criticalFix(rng, id, {
          os,
          kb: kbs.next(releasedAt),
          issue,
          severity: rng.weighted<Severity | null>([[null, 3], ['critical', 1], ['important', 1]]),
        });
      }
      case 'service-pack': {
        const [productName, product] = rng.pick(SERVICE_PACK_PRODUCTS);
        const { seq } = chained(`sp:${product}`);
        return servicePack(rng, id, { productName, product, servicePack: seq + 1, kb: kbs.next(releasedAt), requiresEula: rng.chance(0.5) });
      }
      case 'feature-pack': {
        const os = windowsOs(rng.pick(['win11-24h2-x64', 'win11-24h2-arm64', 'ws2025']));
        const { seq } = chained(`fep:${os.key}`);
        return featureExperiencePack(rng, id, { os, packVersion: `1000.26100.${40 + seq * 3}.0`, kb: kbs.next(releasedAt) });
      }
      case 'tool': {
        const template = rng.pick(TOOL_TEMPLATES);
        const { seq } = chained(`tool:${template.key}`);
        const version = `${releasedAt.getUTCFullYear()}.${seq + 1}`;
        return toolUpdate(rng, id, { template, version, kb: template.key === 'rsat' ? kbs.next(releasedAt) : undefined });
      }
      case 'windows-upgrade': {
        const version = rng.pick(['24H2', '25H2']);
        const arch = rng.pick(['x64', 'arm64'] as const);
        const { seq } = chained(`upgrade:${version}:${arch}`);
        const build = `${version === '24H2' ? 26100 : 26200}.${4_000 + seq * 50 + rng.int(0, 40)}`;
        return windowsFeatureUpdate(rng, id, { version, build, arch });
      }
      case 'macos-upgrade': {
        const { seq } = chained('macos-upgrade');
        return macosUpgrade(rng, id, { release: MACOS_RELEASES[2], version: `26.${seq}`, minOsVersion: '14.6' });
      }
      case 'ubuntu': {
        const release = rng.pick(UBUNTU_RELEASES);
        const pkg = rng.weighted<UbuntuPackage>([['linux', 5], ['openssl', 3], ['openssh', 2]]);
        const { seq } = chained(`ubuntu:${release.key}:${pkg}`);
        usn += rng.int(1, 4);
        return ubuntuSecurityUpdate(rng, id, {
          usn: `${usn}-1`,
          pkg,
          release,
          n: seq,
          cves: cves(releasedAt, 1, pkg === 'linux' ? 12 : 3),
          severity: severity(),
        });
      }
      case 'macos': {
        const release = rng.pick(MACOS_RELEASES.slice(0, 2));
        const { seq } = chained(`macos:${release.key}`);
        const minor = 1 + Math.floor(seq / 3);
        const patch = seq % 3;
        const version = patch === 0 ? `${release.major}.${minor}` : `${release.major}.${minor}.${patch}`;
        return macosSecurityUpdate(rng, id, { release, version, cves: cves(releasedAt, 2, 20), severity: rng.pick(['critical', 'important'] as const) });
      }
      case 'safari': {
        const release = rng.pick(MACOS_RELEASES.slice(0, 2));
        const { seq } = chained('safari');
        const version = `${18 + Math.floor(seq / 6)}.${seq % 6}`;
        return safariUpdate(rng, id, { release, version, cves: cves(releasedAt, 1, 6), severity: rng.pick(['moderate', 'low', 'important'] as const) });
      }
    }
  };

  function* due(): Generator<FeedItem> {
    while (scheduled.length > 0) {
      let next = -1;
      for (let i = 0; i < scheduled.length; i++) {
        const s = scheduled[i];
        if (s.due <= emitted && (next === -1 || s.due < scheduled[next].due || (s.due === scheduled[next].due && s.order < scheduled[next].order))) next = i;
      }
      if (next === -1) return;
      const [entry] = scheduled.splice(next, 1);
      emitted++;
      yield entry.item;
    }
  }

  while (created < total) {
    const releasedAt = addMinutes(start, (created + rng.next()) * stepMinutes);
    const family = created < FIRST_FAMILIES.length ? FIRST_FAMILIES[created] : rng.weighted(FAMILY_WEIGHTS);
    const item = build(family, releasedAt, total - created);
    created++;
    const first = publish(item);
    emitted++;
    yield first;
    yield* due();
  }
  // Revisions not yet due come at the end, in the order they were due.
  for (const entry of scheduled.sort((a, b) => a.due - b.due || a.order - b.order)) yield entry.item;
}

function driverVersion(model: DriverModel, seq: number): string {
  switch (model.deviceClass) {
    case 'Display':
      return `32.0.101.${6_900 + seq * 7}`;
    case 'Firmware':
      return `1.${30 + seq}.0.0`;
    case 'Net':
      return `${214 + Math.floor(seq / 10)}.0.${seq % 10}.0`;
    default:
      return `10.0.26100.${21_000 + seq * 13}`;
  }
}

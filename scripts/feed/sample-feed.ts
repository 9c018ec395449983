/**
 * The bundled sample feed (config/sample-feed/): about 300 updates a WSUS administrator
 * would recognise, August 2025 to November 2026 — monthly cumulative updates whose
 * supersedence chains run month to month, servicing stack prerequisites, Defender
 * definitions, drivers, Linux and macOS security updates, revisions and expirations —
 * and a few updates whose files are real and ship beside the feed.
 *
 * Every updateId is name-based (uuid v5 of a readable key such as
 * "cu:win11-24h2-x64:2026-10"), so ids stay put when the sample is edited.
 */
import { FeedFile, FeedItem, Severity } from './feed-item';
import { nameBasedUuid, sha256Hex } from './digests';
import { addDays, addMinutes, isoUtc, monthLabel, monthRange, nthTuesday, patchTuesday } from './feed-calendar';
import { KbAllocator, MACOS_RELEASES, UBUNTU_RELEASES, WINDOWS_OSES, cveIds, feedItem, windowsOs } from './feed-vocabulary';
import {
  CRITICAL_ISSUES,
  DRIVER_MODELS,
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
  esuPreparationPackage,
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
import { RevisionChange, RevisionOptions, reviseItem, titleWithTypo } from './update-revisions';
import { SAMPLE_PAYLOADS, SamplePayload } from './sample-payloads';
import { Prng } from './prng';

export const SAMPLE_FEED_SEED = 20_251_014;
export const SAMPLE_PAGE_SIZE = 100;
export const PAYLOAD_DIRECTORY = 'payloads';

/** The updateId of the sample update with this key. */
export function sampleUpdateId(key: string): string {
  return nameBasedUuid(`sample:${key}`);
}

/** A payload as a feed file: relative URL, true digest and size. */
export function payloadFile(name: string): FeedFile {
  const payload = SAMPLE_PAYLOADS.find((candidate) => candidate.name === name);
  if (!payload) throw new Error(`no sample payload named ${name}`);
  return {
    name: payload.name,
    url: `${PAYLOAD_DIRECTORY}/${payload.name}`,
    sha256: sha256Hex(payload.content),
    size: Buffer.byteLength(payload.content, 'utf8'),
  };
}

interface RevisionPlan {
  change: RevisionChange;
  /** Days after the release that revision 2 was published. */
  afterDays: number;
  options?: () => RevisionOptions;
}

/** Updates published a second time, and why. */
const REVISIONS: Record<string, RevisionPlan> = {
  'cu:win11-24h2-x64:2026-03': { change: 'title', afterDays: 2 },
  'oob:ws2019:2025-10': { change: 'add-file', afterDays: 6 },
  'cu:ws2022:2026-05': { change: 'add-cves', afterDays: 8 },
  'office:Excel:2026-03': { change: 'raise-severity', afterDays: 14 },
  'preview:win11-24h2-x64:2025-11': { change: 'expire', afterDays: 5 },
  'driver:intel-display:2026-06': { change: 'expire', afterDays: 12 },
  'ubuntu:ubuntu-2404:linux:2': { change: 'add-cves', afterDays: 3 },
  'macos:macos-15:15.6.1': { change: 'description', afterDays: 9 },
  'payload:diagnostics-collector': { change: 'add-file', afterDays: 7, options: () => ({ file: payloadFile('collect-diagnostics.README.txt') }) },
  'dotnet-runtime:8.0.21': { change: 'description', afterDays: 4 },
  'edge:141': { change: 'title', afterDays: 1 },
  'm365:2604': { change: 'add-supersedes', afterDays: 10, options: () => ({ supersedes: [sampleUpdateId('m365:2601')] }) },
  'service-pack:sql2022:1': { change: 'require-eula', afterDays: 9 },
};

/** Updates already expired in their only revision. */
const EXPIRED = new Set<string>([
  'defender:0',
  'defender:1',
  'defender:2',
  'defender:3',
  'defender:4',
  'preview:win11-24h2-arm64:2025-09',
  'upgrade:win11-24h2-x64:2025-09',
  'msrt:2025-08',
]);

interface Entry {
  publishedAt: number;
  order: number;
  item: FeedItem;
}

/** Collects the sample's updates and publishes them in the order an upstream would have. */
class SampleCatalog {
  readonly rng = new Prng(SAMPLE_FEED_SEED);
  readonly kbs = new KbAllocator(this.rng);
  /** Office MSI updates have their own, slower KB series (KB5002xxx). */
  readonly officeKbs = new KbAllocator(this.rng, 5_002_690, 14, 3);
  private readonly entries: Entry[] = [];
  private readonly keys = new Set<string>();

  /**
   * Adds revision 1 of the update `key` (and revision 2 when planned); returns its updateId.
   * `publishedAt` (default: the release time) places it in the feed.
   */
  add(
    key: string,
    releasedAt: Date,
    refs: { supersedes?: string[]; prerequisites?: string[] },
    build: (id: UpdateIdentity) => FeedItem,
    publishedAt: Date = releasedAt,
  ): string {
    if (this.keys.has(key)) throw new Error(`sample update key used twice: ${key}`);
    this.keys.add(key);
    const updateId = sampleUpdateId(key);
    let item = build({ updateId, releasedAt, supersedes: refs.supersedes ?? [], prerequisites: refs.prerequisites ?? [] });
    const plan = REVISIONS[key];
    if (plan?.change === 'title') item = feedItem({ ...item, title: titleWithTypo(item.title) });
    if (EXPIRED.has(key)) item = feedItem({ ...item, state: 'expired' });
    this.publish(item, publishedAt);
    if (plan) this.publish(reviseItem(this.rng, item, plan.change, plan.options?.()), addDays(publishedAt, plan.afterDays));
    return updateId;
  }

  private publish(item: FeedItem, at: Date): void {
    this.entries.push({ publishedAt: at.getTime(), order: this.entries.length, item });
  }

  /** Oldest first; updates published at the same moment keep the order they were added in. */
  items(): FeedItem[] {
    for (const key of [...Object.keys(REVISIONS), ...EXPIRED]) {
      if (!this.keys.has(key)) throw new Error(`sample plan names an update that does not exist: ${key}`);
    }
    return [...this.entries].sort((a, b) => a.publishedAt - b.publishedAt || a.order - b.order).map((entry) => entry.item);
  }
}

function utc(year: number, month: number, day: number, hour = 17, minute = 0): Date {
  return new Date(Date.UTC(year, month - 1, day, hour, minute, 0));
}

/** `count` distinct entries of `values`, in their original order. */
function sample<T>(rng: Prng, values: readonly T[], count: number): T[] {
  const indexes = values.map((_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = rng.int(i, indexes.length - 1);
    [indexes[i], indexes[j]] = [indexes[j], indexes[i]];
  }
  return indexes
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((i) => values[i]);
}

export interface SampleFeed {
  items: FeedItem[];
  payloads: readonly SamplePayload[];
}

export function buildSampleFeed(): SampleFeed {
  const c = new SampleCatalog();
  const { rng, kbs } = c;
  const months = monthRange([2025, 8], [2026, 11]);
  const cves = (date: Date, min: number, max: number): string[] => cveIds(rng, date.getUTCFullYear(), rng.int(min, max));

  addWindowsCumulativeUpdates(c, months);

  // .NET Framework cumulative updates, every other month.
  for (const os of [windowsOs('win11-24h2-x64'), windowsOs('ws2022')]) {
    let previous = [sampleUpdateId(`dotnet:${os.key}:2025-07`)];
    for (const [year, month] of months.filter(([, m]) => m % 2 === 1)) {
      const date = patchTuesday(year, month);
      const id = c.add(`dotnet:${os.key}:${monthLabel(date)}`, date, { supersedes: previous }, (identity) =>
        dotnetFrameworkUpdate(rng, identity, { os, kb: kbs.next(date), cves: cves(date, 1, 3) }),
      );
      previous = [id];
    }
  }

  // .NET 8 runtime.
  {
    let previous: string[] = [];
    const releases: [number, Date, Severity][] = [
      [19, patchTuesday(2025, 8), 'important'],
      [20, patchTuesday(2025, 9), 'moderate'],
      [21, patchTuesday(2025, 10), 'important'],
      [22, patchTuesday(2025, 11), 'low'],
      [23, patchTuesday(2026, 2), 'important'],
      [24, patchTuesday(2026, 6), 'moderate'],
    ];
    for (const [patch, date, severity] of releases) {
      const id = c.add(`dotnet-runtime:8.0.${patch}`, date, { supersedes: previous }, (identity) =>
        dotnetRuntimeUpdate(rng, identity, { major: '8.0', patch, kb: kbs.next(date), cves: cves(date, 1, 3), severity }),
      );
      previous = [id];
    }
  }

  // Office 2016 (MSI), quarterly per application.
  for (const app of ['Excel', 'Word', 'Outlook'] as const) {
    let previous = [sampleUpdateId(`office:${app}:2025-06`)];
    for (const [year, month] of [[2025, 9], [2025, 12], [2026, 3], [2026, 6], [2026, 9]] as const) {
      const date = patchTuesday(year, month);
      const id = c.add(`office:${app}:${monthLabel(date)}`, date, { supersedes: previous }, (identity) =>
        officeSecurityUpdate(rng, identity, { app, kb: c.officeKbs.next(date), cves: cves(date, 1, 4), severity: app === 'Outlook' ? 'critical' : 'important' }),
      );
      previous = [id];
    }
  }

  // Microsoft 365 Apps, Monthly Enterprise Channel.
  {
    let previous: string[] = [];
    const builds: [string, string, Date, boolean][] = [
      ['2507', '19029.20244', patchTuesday(2025, 8), true],
      ['2509', '19231.20246', patchTuesday(2025, 10), true],
      ['2511', '19426.20218', patchTuesday(2025, 12), false],
      ['2601', '19628.20204', patchTuesday(2026, 2), true],
      ['2604', '19929.20172', patchTuesday(2026, 5), true],
      ['2607', '20228.20150', patchTuesday(2026, 8), true],
    ];
    for (const [channelVersion, build, date, security] of builds) {
      const key = `m365:${channelVersion}`;
      // Revision 1 of 2604 forgot its supersedence; revision 2 adds it.
      const supersedes = REVISIONS[key]?.change === 'add-supersedes' ? [] : previous;
      const id = c.add(key, date, { supersedes }, (identity) =>
        microsoft365AppsUpdate(rng, identity, { channelVersion, build, cves: security ? cves(date, 1, 5) : [] }),
      );
      previous = [id];
    }
  }

  // Defender security intelligence: every two or three days, each replacing the last.
  {
    let previous = [sampleUpdateId('defender:before-sample')];
    const start = utc(2026, 8, 3, 4);
    for (let i = 0; i < 48; i++) {
      const date = addMinutes(start, Math.round(i * 2.25 * 1440) + rng.int(0, 300));
      const version = `1.${459 + Math.floor(i / 12)}.${30 + (i % 12) * 27 + rng.int(0, 20)}.0`;
      previous = [c.add(`defender:${i}`, date, { supersedes: previous }, (identity) => defenderDefinitionUpdate(rng, identity, { version }))];
    }
    let platform: string[] = [];
    for (const [version, date] of [
      ['4.18.25080.5', utc(2025, 9, 10)],
      ['4.18.25110.5', utc(2026, 1, 14)],
      ['4.18.26040.7', utc(2026, 6, 10)],
    ] as const) {
      platform = [c.add(`defender-platform:${version}`, date, { supersedes: platform }, (identity) => defenderPlatformUpdate(rng, identity, { version }))];
    }
  }

  // Malicious Software Removal Tool, monthly.
  {
    let previous = [sampleUpdateId('msrt:2025-07')];
    months.forEach(([year, month], i) => {
      const date = patchTuesday(year, month);
      previous = [
        c.add(`msrt:${monthLabel(date)}`, date, { supersedes: previous }, (identity) =>
          maliciousSoftwareRemovalTool(rng, identity, { version: `5.${135 + i}` }),
        ),
      ];
    });
  }

  // System Center update rollups.
  {
    const first = c.add('system-center:ur1', utc(2025, 11, 18), {}, (identity) =>
      systemCenterRollup(rng, identity, { rollup: 1, kb: kbs.next(utc(2025, 11, 18)), severity: null }),
    );
    c.add('system-center:ur2', utc(2026, 5, 19), { supersedes: [first] }, (identity) =>
      systemCenterRollup(rng, identity, { rollup: 2, kb: kbs.next(utc(2026, 5, 19)), severity: 'moderate' }),
    );
  }

  // Drivers: newer versions of a driver supersede older ones.
  {
    const drivers: [string, string, Date][] = [
      ['intel-display', '32.0.101.6972', utc(2025, 9, 4)],
      ['intel-display', '32.0.101.7026', utc(2026, 1, 22)],
      ['intel-display', '32.0.101.7077', utc(2026, 6, 11)],
      ['realtek-audio', '6.0.9794.1', utc(2025, 10, 16)],
      ['realtek-audio', '6.0.9826.1', utc(2026, 4, 9)],
      ['lenovo-firmware', '1.37.0.0', utc(2025, 12, 3)],
      ['lenovo-firmware', '1.38.0.0', utc(2026, 7, 15)],
      ['broadcom-net', '214.0.0.10', utc(2026, 2, 26)],
      ['qualcomm-system', '1.0.4090.0', utc(2026, 3, 19)],
    ];
    const latest = new Map<string, string>();
    for (const [modelKey, version, date] of drivers) {
      const model = DRIVER_MODELS.find((m) => m.key === modelKey);
      if (!model) throw new Error(`unknown driver model ${modelKey}`);
      const previous = latest.get(modelKey);
      const id = c.add(`driver:${modelKey}:${monthLabel(date)}`, date, { supersedes: previous ? [previous] : [] }, (identity) =>
        driverUpdate(rng, identity, { model, version }),
      );
      latest.set(modelKey, id);
    }
  }

  // Microsoft Edge, Stable Channel.
  {
    let previous: string[] = [];
    for (const [build, date] of [
      ['139.0.3405.86', utc(2025, 8, 7)],
      ['140.0.3485.54', utc(2025, 9, 5)],
      ['141.0.3537.57', utc(2025, 10, 2)],
      ['142.0.3595.53', utc(2025, 10, 31)],
      ['143.0.3650.66', utc(2025, 12, 4)],
    ] as const) {
      previous = [c.add(`edge:${build.split('.')[0]}`, date, { supersedes: previous }, (identity) => edgeUpdate(rng, identity, { build }))];
    }
  }

  // Critical (non-security) fixes.
  for (const [osKey, date, issue, severity] of [
    ['ws2022', utc(2025, 11, 20), CRITICAL_ISSUES[0], null],
    ['win11-24h2-x64', utc(2026, 2, 19), CRITICAL_ISSUES[1], 'critical'],
    ['ws2025', utc(2026, 9, 24), CRITICAL_ISSUES[4], 'important'],
  ] as const) {
    const os = windowsOs(osKey);
    c.add(`critical:${osKey}:${monthLabel(date)}`, date, {}, (identity) => criticalFix(rng, identity, { os, kb: kbs.next(date), issue, severity }));
  }

  // A service pack, feature packs and tools.
  c.add('service-pack:sql2022:1', utc(2026, 6, 16), {}, (identity) =>
    servicePack(rng, identity, {
      productName: 'Microsoft SQL Server 2022',
      product: 'SQL Server/SQL Server 2022',
      servicePack: 1,
      kb: kbs.next(utc(2026, 6, 16)),
      requiresEula: false,
    }),
  );
  {
    const win11 = windowsOs('win11-24h2-x64');
    const first = c.add('feature-pack:win11-24h2-x64:1', utc(2025, 10, 28), {}, (identity) =>
      featureExperiencePack(rng, identity, { os: win11, packVersion: '1000.26100.128.0', kb: kbs.next(utc(2025, 10, 28)) }),
    );
    c.add('feature-pack:win11-24h2-x64:2', utc(2026, 4, 28), { supersedes: [first] }, (identity) =>
      featureExperiencePack(rng, identity, { os: win11, packVersion: '1000.26100.197.0', kb: kbs.next(utc(2026, 4, 28)) }),
    );
    c.add('feature-pack:ws2025:1', utc(2026, 1, 27), {}, (identity) =>
      featureExperiencePack(rng, identity, { os: windowsOs('ws2025'), packVersion: '1000.26100.150.0', kb: kbs.next(utc(2026, 1, 27)) }),
    );
  }
  {
    const template = (key: string) => {
      const found = TOOL_TEMPLATES.find((t) => t.key === key);
      if (!found) throw new Error(`unknown tool ${key}`);
      return found;
    };
    c.add('tool:rsat', utc(2025, 11, 11), {}, (identity) => toolUpdate(rng, identity, { template: template('rsat'), version: '10.0.26100.1', kb: kbs.next(utc(2025, 11, 11)) }));
    const sysinternals = c.add('tool:sysinternals:2025.11', utc(2025, 11, 20), {}, (identity) =>
      toolUpdate(rng, identity, { template: template('sysinternals'), version: '2025.11' }),
    );
    c.add('tool:sysinternals:2026.05', utc(2026, 5, 19), { supersedes: [sysinternals] }, (identity) =>
      toolUpdate(rng, identity, { template: template('sysinternals'), version: '2026.05' }),
    );
    c.add('tool:ubuntu-advantage-tools:37', utc(2026, 2, 10), {}, (identity) =>
      toolUpdate(rng, identity, { template: template('ubuntu-advantage-tools'), version: '37' }),
    );
  }

  // Upgrades (feature updates), licence terms required.
  {
    const w24 = c.add('upgrade:win11-24h2-x64:2025-09', utc(2025, 9, 23), {}, (identity) =>
      windowsFeatureUpdate(rng, identity, { version: '24H2', build: '26100.6725', arch: 'x64' }),
    );
    const w25 = c.add('upgrade:win11-25h2-x64:2025-10', patchTuesday(2025, 10), {}, (identity) =>
      windowsFeatureUpdate(rng, identity, { version: '25H2', build: '26200.6899', arch: 'x64' }),
    );
    c.add('upgrade:win11-25h2-x64:2026-04', patchTuesday(2026, 4), { supersedes: [w25, w24] }, (identity) =>
      windowsFeatureUpdate(rng, identity, { version: '25H2', build: '26200.8117', arch: 'x64' }),
    );
    c.add('upgrade:macos-26:26.1', utc(2025, 11, 3), {}, (identity) =>
      macosUpgrade(rng, identity, { release: MACOS_RELEASES[2], version: '26.1', minOsVersion: '14.6' }),
    );
  }

  addUbuntuUpdates(c);
  addMacosUpdates(c);
  addPayloadUpdates(c);

  return { items: c.items(), payloads: SAMPLE_PAYLOADS };
}

function addWindowsCumulativeUpdates(c: SampleCatalog, months: [number, number][]): void {
  const { rng, kbs } = c;
  const previewMonths = ['2025-09', '2025-11', '2026-02', '2026-06'];
  const previewOses = ['win11-24h2-x64', 'win11-24h2-arm64'];
  const outOfBandOses = ['ws2019', 'ws2022', 'ws2025'];
  const ssuMonths = ['2025-12', '2026-04', '2026-08'];
  // One pool of CVEs a month: each Windows version fixes part of it.
  const cvePool = new Map(months.map(([year, month]) => [monthLabel(patchTuesday(year, month)), cveIds(rng, year, 14)]));

  const win10 = windowsOs('win10-22h2');
  const esuDate = utc(2025, 10, 28);
  const esuId = c.add('esu-prep:win10-22h2', esuDate, {}, (identity) => esuPreparationPackage(rng, identity, { os: win10, kb: kbs.next(esuDate) }));

  for (const os of WINDOWS_OSES) {
    // The July 2025 update came before the sample begins: a reference to an absent update.
    let previous = [sampleUpdateId(`cu:${os.key}:2025-07`)];
    let ssu: string | null = null;
    for (const [year, month] of months) {
      const date = patchTuesday(year, month);
      const label = monthLabel(date);
      const newSsu = os.key === 'ws2019' && ssuMonths.includes(label);
      const previousSsu = ssu;
      if (newSsu) ssu = sampleUpdateId(`ssu:${os.key}:${label}`);
      const prerequisites: string[] = [];
      if (ssu) prerequisites.push(ssu);
      if (os.key === win10.key && date > esuDate) prerequisites.push(esuId);
      const pool = cvePool.get(label) ?? [];

      const cu = c.add(`cu:${os.key}:${label}`, date, { supersedes: previous, prerequisites }, (identity) =>
        windowsCumulativeUpdate(rng, identity, { os, kb: kbs.next(date), kind: 'security', cves: sample(rng, pool, rng.int(4, 9)) }),
      );
      previous = [cu];
      if (newSsu) {
        // Listed after the rest of Patch Tuesday, so the feed names it before it carries it
        // (in December 2025, on the next page).
        c.add(
          `ssu:${os.key}:${label}`,
          date,
          { supersedes: previousSsu ? [previousSsu] : [] },
          (identity) => servicingStackUpdate(rng, identity, { os, kb: kbs.next(date) }),
          addMinutes(date, 1),
        );
      }
      if (label === '2025-10' && outOfBandOses.includes(os.key)) {
        // The WSUS remote code execution fix (CVE-2025-59287), out of band.
        const oobDate = addDays(date, 9);
        const oob = c.add(`oob:${os.key}:${label}`, oobDate, { supersedes: [cu], prerequisites }, (identity) =>
          windowsCumulativeUpdate(rng, identity, { os, kb: kbs.next(oobDate), kind: 'out-of-band', cves: ['CVE-2025-59287'], severity: 'critical' }),
        );
        previous = [cu, oob];
      }
      if (previewMonths.includes(label) && previewOses.includes(os.key)) {
        const previewDate = nthTuesday(year, month, 4);
        const preview = c.add(`preview:${os.key}:${label}`, previewDate, { supersedes: [cu] }, (identity) =>
          windowsCumulativeUpdate(rng, identity, { os, kb: kbs.next(previewDate), kind: 'preview' }),
        );
        previous = [cu, preview];
      }
    }
  }
}

function addUbuntuUpdates(c: SampleCatalog): void {
  const { rng } = c;
  const usnEpoch = utc(2025, 8, 1, 0);
  const usedUsns = new Set<number>();
  const usn = (date: Date): string => {
    let n = 7_690 + Math.floor(((date.getTime() - usnEpoch.getTime()) / 86_400_000) * 1.6);
    while (usedUsns.has(n)) n++;
    usedUsns.add(n);
    return `${n}-1`;
  };
  const schedules: Record<UbuntuPackage, [Date, Severity][]> = {
    linux: [
      [utc(2025, 8, 19, 14), 'important'],
      [utc(2025, 10, 7, 14), 'critical'],
      [utc(2026, 1, 13, 14), 'important'],
      [utc(2026, 4, 21, 14), 'moderate'],
      [utc(2026, 8, 18, 14), 'important'],
    ],
    openssl: [
      [utc(2025, 9, 30, 15), 'important'],
      [utc(2026, 2, 3, 15), 'moderate'],
      [utc(2026, 7, 7, 15), 'low'],
    ],
    openssh: [
      [utc(2025, 10, 21, 15), 'moderate'],
      [utc(2026, 5, 12, 15), 'low'],
    ],
  };
  for (const release of UBUNTU_RELEASES) {
    for (const pkg of ['linux', 'openssl', 'openssh'] as const) {
      // OpenSSH fixes here are for 24.04 only.
      if (pkg === 'openssh' && release.version !== '24.04') continue;
      let previous: string[] = [];
      schedules[pkg].forEach(([baseDate, severity], n) => {
        const date = release.version === '22.04' ? addDays(baseDate, 1) : baseDate;
        previous = [
          c.add(`ubuntu:${release.key}:${pkg}:${n}`, date, { supersedes: previous }, (identity) =>
            ubuntuSecurityUpdate(rng, identity, {
              usn: usn(date),
              pkg,
              release,
              n,
              cves: cveIds(rng, date.getUTCFullYear(), rng.int(1, pkg === 'linux' ? 9 : 3)),
              severity,
            }),
          ),
        ];
      });
    }
  }
}

function addMacosUpdates(c: SampleCatalog): void {
  const { rng } = c;
  const [sonoma, sequoia] = MACOS_RELEASES;
  const releases: [typeof sonoma, string, Date, Severity][] = [
    [sequoia, '15.6.1', utc(2025, 8, 20), 'important'],
    [sequoia, '15.7', utc(2025, 9, 15), 'critical'],
    [sequoia, '15.7.1', utc(2025, 9, 29), 'important'],
    [sequoia, '15.7.2', utc(2025, 11, 3), 'critical'],
    [sequoia, '15.7.3', utc(2026, 1, 20), 'important'],
    [sonoma, '14.7.8', utc(2025, 8, 20), 'important'],
    [sonoma, '14.8', utc(2025, 9, 15), 'critical'],
    [sonoma, '14.8.2', utc(2025, 11, 3), 'important'],
  ];
  const latest = new Map<string, string>();
  for (const [release, version, date, severity] of releases) {
    const previous = latest.get(release.key);
    const id = c.add(`macos:${release.key}:${version}`, date, { supersedes: previous ? [previous] : [] }, (identity) =>
      macosSecurityUpdate(rng, identity, { release, version, cves: cveIds(rng, date.getUTCFullYear(), rng.int(3, 12)), severity }),
    );
    latest.set(release.key, id);
  }
  const safari26 = c.add('safari:26', utc(2025, 9, 15), {}, (identity) =>
    safariUpdate(rng, identity, { release: sequoia, version: '26', cves: cveIds(rng, 2025, 4), severity: 'moderate' }),
  );
  c.add('safari:26.1', utc(2025, 11, 3), { supersedes: [safari26] }, (identity) =>
    safariUpdate(rng, identity, { release: sequoia, version: '26.1', cves: cveIds(rng, 2025, 2), severity: 'low' }),
  );
}

/** Updates whose files are the real payloads beside the feed, fetched with relative URLs. */
function addPayloadUpdates(c: SampleCatalog): void {
  const base = {
    kb: [],
    cves: [],
    supersedes: [],
    prerequisites: [],
    installBehavior: { reboot: 'never' as const, userInput: false },
    requiresEula: false,
    revision: 1,
    state: 'active' as const,
  };
  c.add('payload:diagnostics-collector', utc(2026, 10, 20, 9), {}, (identity) =>
    feedItem({
      ...base,
      updateId: identity.updateId,
      releasedAt: isoUtc(identity.releasedAt),
      title: 'Patchgate Sample Diagnostics Collector 1.0 for Linux',
      description: 'Sample update with a real payload: a read-only script that collects basic system facts into a temporary directory.',
      classification: 'tool',
      products: ['Linux/Ubuntu 24.04 LTS', 'Linux/Ubuntu 22.04 LTS'],
      severity: null,
      files: [payloadFile('collect-diagnostics.sh')],
      applicability: { osFamily: ['linux'], arch: ['x64', 'arm64'], minOsVersion: '22.04' },
    }),
  );
  for (const release of UBUNTU_RELEASES) {
    c.add(`payload:openssl-check:${release.key}`, utc(2026, 11, 3, 9), {}, (identity) =>
      feedItem({
        ...base,
        updateId: identity.updateId,
        releasedAt: isoUtc(identity.releasedAt),
        title: `Patchgate Sample OpenSSL Configuration Check for ${release.label}`,
        description:
          'Sample update with a real payload: a read-only script that reports the OpenSSL version and minimum TLS protocol. ' +
          'The same file serves Ubuntu 22.04 and 24.04.',
        classification: 'security',
        products: [release.product],
        severity: release.version === '24.04' ? 'moderate' : 'low',
        files: [payloadFile('harden-openssl.sh')],
        applicability: { osFamily: ['linux'], arch: ['x64', 'arm64'], minOsVersion: release.version },
      }),
    );
  }
  c.add('payload:macos-profile-refresh', utc(2026, 11, 5, 9), {}, (identity) =>
    feedItem({
      ...base,
      updateId: identity.updateId,
      releasedAt: isoUtc(identity.releasedAt),
      title: 'Patchgate Sample Configuration Profile Refresh for macOS 15',
      description: 'Sample update with a real payload: a read-only script that prints the macOS version and MDM enrollment status.',
      classification: 'update',
      products: ['macOS/macOS 15'],
      severity: null,
      files: [payloadFile('refresh-profile.sh')],
      applicability: { osFamily: ['macos'], arch: ['arm64', 'x64'], minOsVersion: '15.0' },
    }),
  );
  c.add('payload:windows-event-log-check', utc(2026, 11, 5, 9), {}, (identity) =>
    feedItem({
      ...base,
      updateId: identity.updateId,
      releasedAt: isoUtc(identity.releasedAt),
      title: 'Patchgate Sample Event Log Retention Check for Windows',
      description: 'Sample update with a real payload: a read-only PowerShell script that lists event log sizes and flags small ones.',
      classification: 'tool',
      products: ['Windows/Windows 11', 'Windows/Windows Server 2025'],
      severity: null,
      files: [payloadFile('Get-EventLogRetention.ps1')],
      applicability: { osFamily: ['windows'], arch: ['x64', 'arm64'], minOsVersion: '10.0.17763' },
    }),
  );
}

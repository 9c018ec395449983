/**
 * The words of a realistic catalog: products, KB and CVE numbers, upstream file URLs.
 * Shared by the sample feed and the synthetic generator.
 */
import { FeedFile, FeedItem } from './feed-item';
import { fakeSha1, fakeSha256 } from './digests';
import { monthsSince2025 } from './feed-calendar';
import { Prng } from './prng';

/** `.invalid` never resolves (RFC 6761): nothing downloads these by accident. */
export const UPSTREAM_BASE_URL = 'https://updates.example.invalid';

export const MIB = 1_048_576;

export interface WindowsOs {
  key: string;
  product: string;
  /** As it appears in titles: "Windows 11 Version 24H2". */
  name: string;
  arch: 'x64' | 'arm64';
  archLabel: 'x64-based Systems' | 'ARM64-based Systems';
  minOsVersion: string;
  /** Catalog file name prefix: "windows11.0". */
  filePrefix: string;
  /** Size of a cumulative update package, MiB. */
  cumulativeSizeMib: readonly [number, number];
  /** Ships the 24H2 checkpoint cumulative update (KB5043080) next to every cumulative update. */
  checkpointKb?: string;
  dotnetLabel: string;
}

export const WINDOWS_OSES: readonly WindowsOs[] = [
  {
    key: 'win10-22h2',
    product: 'Windows/Windows 10',
    name: 'Windows 10 Version 22H2',
    arch: 'x64',
    archLabel: 'x64-based Systems',
    minOsVersion: '10.0.19045',
    filePrefix: 'windows10.0',
    cumulativeSizeMib: [640, 790],
    dotnetLabel: '.NET Framework 3.5, 4.8 and 4.8.1',
  },
  {
    key: 'win11-23h2',
    product: 'Windows/Windows 11',
    name: 'Windows 11 Version 23H2',
    arch: 'x64',
    archLabel: 'x64-based Systems',
    minOsVersion: '10.0.22631',
    filePrefix: 'windows11.0',
    cumulativeSizeMib: [700, 920],
    dotnetLabel: '.NET Framework 3.5 and 4.8.1',
  },
  {
    key: 'win11-24h2-x64',
    product: 'Windows/Windows 11',
    name: 'Windows 11 Version 24H2',
    arch: 'x64',
    archLabel: 'x64-based Systems',
    minOsVersion: '10.0.26100',
    filePrefix: 'windows11.0',
    cumulativeSizeMib: [2900, 3600],
    checkpointKb: '5043080',
    dotnetLabel: '.NET Framework 3.5 and 4.8.1',
  },
  {
    key: 'win11-24h2-arm64',
    product: 'Windows/Windows 11',
    name: 'Windows 11 Version 24H2',
    arch: 'arm64',
    archLabel: 'ARM64-based Systems',
    minOsVersion: '10.0.26100',
    filePrefix: 'windows11.0',
    cumulativeSizeMib: [2800, 3400],
    checkpointKb: '5043080',
    dotnetLabel: '.NET Framework 3.5 and 4.8.1',
  },
  {
    key: 'ws2019',
    product: 'Windows/Windows Server 2019',
    name: 'Windows Server 2019',
    arch: 'x64',
    archLabel: 'x64-based Systems',
    minOsVersion: '10.0.17763',
    filePrefix: 'windows10.0',
    cumulativeSizeMib: [560, 680],
    dotnetLabel: '.NET Framework 3.5, 4.7.2 and 4.8',
  },
  {
    key: 'ws2022',
    product: 'Windows/Windows Server 2022',
    name: 'Windows Server 2022',
    arch: 'x64',
    archLabel: 'x64-based Systems',
    minOsVersion: '10.0.20348',
    filePrefix: 'windows10.0',
    cumulativeSizeMib: [470, 620],
    dotnetLabel: '.NET Framework 3.5, 4.8 and 4.8.1',
  },
  {
    key: 'ws2025',
    product: 'Windows/Windows Server 2025',
    name: 'Windows Server 2025',
    arch: 'x64',
    archLabel: 'x64-based Systems',
    minOsVersion: '10.0.26100',
    filePrefix: 'windows11.0',
    cumulativeSizeMib: [2900, 3500],
    checkpointKb: '5043080',
    dotnetLabel: '.NET Framework 3.5 and 4.8.1',
  },
];

export function windowsOs(key: string): WindowsOs {
  const os = WINDOWS_OSES.find((candidate) => candidate.key === key);
  if (!os) throw new Error(`unknown Windows OS key ${key}`);
  return os;
}

export const WINDOWS_PRODUCTS: readonly string[] = [...new Set(WINDOWS_OSES.map((os) => os.product))];

export interface UbuntuRelease {
  key: string;
  product: string;
  label: string;
  version: string;
}

export const UBUNTU_RELEASES: readonly UbuntuRelease[] = [
  { key: 'ubuntu-2204', product: 'Linux/Ubuntu 22.04 LTS', label: 'Ubuntu 22.04 LTS', version: '22.04' },
  { key: 'ubuntu-2404', product: 'Linux/Ubuntu 24.04 LTS', label: 'Ubuntu 24.04 LTS', version: '24.04' },
];

export interface MacosRelease {
  key: string;
  product: string;
  marketingName: string;
  major: number;
}

export const MACOS_RELEASES: readonly MacosRelease[] = [
  { key: 'macos-14', product: 'macOS/macOS 14', marketingName: 'Sonoma', major: 14 },
  { key: 'macos-15', product: 'macOS/macOS 15', marketingName: 'Sequoia', major: 15 },
  { key: 'macos-26', product: 'macOS/macOS 26', marketingName: 'Tahoe', major: 26 },
];

/**
 * Hands out KB numbers that grow with the release month, as Microsoft's do (about 1,550
 * a month from KB5050000 in January 2025). Unique as long as a month's block is not
 * exhausted; `blockPerMonth` is sized by the caller for its volume.
 */
export class KbAllocator {
  private readonly nextByMonth = new Map<number, number>();

  constructor(
    private readonly rng: Prng,
    private readonly base = 5_050_000,
    private readonly blockPerMonth = 1_550,
    private readonly maxStep = 9,
  ) {}

  next(releasedAt: Date): string {
    const month = monthsSince2025(releasedAt);
    const blockStart = this.base + month * this.blockPerMonth;
    const current = this.nextByMonth.get(month) ?? blockStart + this.rng.int(0, Math.min(40, Math.floor(this.blockPerMonth / 4)));
    this.nextByMonth.set(month, current + this.rng.int(1, this.maxStep));
    return String(current);
  }
}

/** `count` distinct CVE ids of the given year, sorted. */
export function cveIds(rng: Prng, year: number, count: number): string[] {
  const numbers = new Set<number>();
  while (numbers.size < count) numbers.add(rng.int(20_000, 62_999));
  return [...numbers].sort((a, b) => a - b).map((n) => `CVE-${year}-${n}`);
}

/** A file on the (unreachable) upstream download server, with a stand-in digest. */
export function upstreamFile(directory: string, name: string, size: number, digestSeed: string = `${directory}/${name}`): FeedFile {
  return { name, url: `${UPSTREAM_BASE_URL}/${directory}/${name}`, sha256: fakeSha256(digestSeed), size };
}

/** Microsoft Update Catalog download directory: c/msdownload/update/software/secu/2026/10. */
export function msDownloadDirectory(kind: 'secu' | 'updt' | 'defu' | 'crup' | 'ftpk' | 'uprl', releasedAt: Date): string {
  const [year, month] = releasedAt.toISOString().slice(0, 7).split('-');
  return `c/msdownload/update/software/${kind}/${year}/${month}`;
}

/** "windows11.0-kb5066835-x64_<sha1>.msu", as the catalog names update packages. */
export function msuFileName(os: WindowsOs, kb: string, extra = ''): string {
  return `${os.filePrefix}-kb${kb}-${os.arch}${extra}_${fakeSha1(`${os.key}:${kb}${extra}`)}.msu`;
}

/** The bare stem of a file name, without its last extension and catalog digest suffix. */
export function fileStem(name: string): string {
  const withoutExtension = name.replace(/\.[^.]+$/, '');
  return withoutExtension.replace(/_[0-9a-f]{40}$/, '');
}

/** Puts an item's fields in the documented order, so every page reads the same way. */
export function feedItem(fields: FeedItem): FeedItem {
  const applicability: FeedItem['applicability'] = {
    osFamily: fields.applicability.osFamily,
    arch: fields.applicability.arch,
  };
  if (fields.applicability.minOsVersion !== undefined) applicability.minOsVersion = fields.applicability.minOsVersion;
  return {
    updateId: fields.updateId,
    revision: fields.revision,
    title: fields.title,
    description: fields.description,
    kb: fields.kb,
    cves: fields.cves,
    classification: fields.classification,
    products: fields.products,
    severity: fields.severity,
    releasedAt: fields.releasedAt,
    supersedes: fields.supersedes,
    prerequisites: fields.prerequisites,
    installBehavior: { reboot: fields.installBehavior.reboot, userInput: fields.installBehavior.userInput },
    requiresEula: fields.requiresEula,
    files: fields.files.map((file) => ({ name: file.name, url: file.url, sha256: file.sha256, size: file.size })),
    applicability,
    state: fields.state,
  };
}

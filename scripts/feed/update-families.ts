/**
 * One builder per kind of update a real catalog carries. Each builds revision 1 of one
 * update from its identity (id, release time, references) and a few family parameters;
 * the sample feed calls them with hand-picked parameters, the generator with drawn ones.
 */
import { FeedFile, FeedItem, Severity } from './feed-item';
import { fakeSha1 } from './digests';
import { isoUtc, monthLabel } from './feed-calendar';
import {
  MIB,
  MacosRelease,
  UbuntuRelease,
  WINDOWS_PRODUCTS,
  WindowsOs,
  feedItem,
  msDownloadDirectory,
  msuFileName,
  upstreamFile,
} from './feed-vocabulary';
import { Prng } from './prng';

export interface UpdateIdentity {
  updateId: string;
  releasedAt: Date;
  supersedes?: string[];
  prerequisites?: string[];
}

type FamilyFields = Omit<FeedItem, 'updateId' | 'revision' | 'releasedAt' | 'supersedes' | 'prerequisites' | 'state'>;

function revisionOne(id: UpdateIdentity, fields: FamilyFields): FeedItem {
  return feedItem({
    updateId: id.updateId,
    revision: 1,
    releasedAt: isoUtc(id.releasedAt),
    supersedes: id.supersedes ?? [],
    prerequisites: id.prerequisites ?? [],
    state: 'active',
    ...fields,
  });
}

function sizeMib(rng: Prng, range: readonly [number, number]): number {
  return rng.int(Math.round(range[0] * MIB), Math.round(range[1] * MIB));
}

function windowsApplicability(os: WindowsOs): FeedItem['applicability'] {
  return { osFamily: ['windows'], arch: [os.arch], minOsVersion: os.minOsVersion };
}

const WINDOWS_CU_DESCRIPTION =
  'Install this update to resolve issues in Windows. For a complete listing of the issues that are included in this update, ' +
  'see the associated Microsoft Knowledge Base article for more information. After you install this item, you may have to restart your computer.';

export type CumulativeKind = 'security' | 'preview' | 'out-of-band';

/** Monthly cumulative update (Patch Tuesday), its optional preview, or an out-of-band release. */
export function windowsCumulativeUpdate(
  rng: Prng,
  id: UpdateIdentity,
  p: { os: WindowsOs; kb: string; kind: CumulativeKind; cves?: string[]; severity?: Severity | null },
): FeedItem {
  const month = monthLabel(id.releasedAt);
  const label = { security: 'Cumulative Update', preview: 'Cumulative Update Preview', 'out-of-band': 'Out-of-band Security Update' }[p.kind];
  const isSecurity = p.kind !== 'preview';
  const directory = msDownloadDirectory(isSecurity ? 'secu' : 'updt', id.releasedAt);
  const files: FeedFile[] = [];
  if (p.os.checkpointKb) {
    // The 24H2 checkpoint update ships beside every cumulative update: one content, many updates.
    const checkpointSize = p.os.arch === 'x64' ? 1_328_914_432 : 1_262_305_280;
    const checkpointName = `${p.os.filePrefix}-kb${p.os.checkpointKb}-${p.os.arch}_${fakeSha1(`checkpoint:${p.os.arch}`)}.msu`;
    files.push(upstreamFile('c/msdownload/update/software/secu/2024/09', checkpointName, checkpointSize));
  }
  files.push(upstreamFile(directory, msuFileName(p.os, p.kb), sizeMib(rng, p.os.cumulativeSizeMib)));
  return revisionOne(id, {
    title: `${month} ${label} for ${p.os.name} for ${p.os.archLabel} (KB${p.kb})`,
    description: WINDOWS_CU_DESCRIPTION,
    kb: [`KB${p.kb}`],
    cves: isSecurity ? (p.cves ?? []) : [],
    classification: isSecurity ? 'security' : 'update',
    products: [p.os.product],
    severity: isSecurity ? (p.severity === undefined ? rng.weighted([['critical', 7], ['important', 3]] as const) : p.severity) : null,
    installBehavior: { reboot: 'always', userInput: false },
    requiresEula: false,
    files,
    applicability: windowsApplicability(p.os),
  });
}

export function servicingStackUpdate(rng: Prng, id: UpdateIdentity, p: { os: WindowsOs; kb: string }): FeedItem {
  return revisionOne(id, {
    title: `${monthLabel(id.releasedAt)} Servicing Stack Update for ${p.os.name} for ${p.os.archLabel} (KB${p.kb})`,
    description:
      'This update makes quality improvements to the servicing stack, which is the component that installs Windows updates. ' +
      'Servicing stack updates make sure that you have a robust and reliable servicing stack so that your devices can receive and install Microsoft updates.',
    kb: [`KB${p.kb}`],
    cves: [],
    classification: 'update',
    products: [p.os.product],
    severity: null,
    installBehavior: { reboot: 'never', userInput: false },
    requiresEula: false,
    files: [upstreamFile(msDownloadDirectory('updt', id.releasedAt), msuFileName(p.os, p.kb), sizeMib(rng, [9, 26]))],
    applicability: windowsApplicability(p.os),
  });
}

/** Windows 10 ESU: the licensing preparation package every later cumulative update needs. */
export function esuPreparationPackage(rng: Prng, id: UpdateIdentity, p: { os: WindowsOs; kb: string }): FeedItem {
  return revisionOne(id, {
    title: `Extended Security Updates (ESU) Licensing Preparation Package for ${p.os.name} for ${p.os.archLabel} (KB${p.kb})`,
    description:
      'This update prepares devices to receive Extended Security Updates. Install it before installing cumulative updates ' +
      'released after the end of support of Windows 10.',
    kb: [`KB${p.kb}`],
    cves: [],
    classification: 'update',
    products: [p.os.product],
    severity: null,
    installBehavior: { reboot: 'maybe', userInput: false },
    requiresEula: false,
    files: [upstreamFile(msDownloadDirectory('updt', id.releasedAt), msuFileName(p.os, p.kb), sizeMib(rng, [2, 6]))],
    applicability: windowsApplicability(p.os),
  });
}

export function dotnetFrameworkUpdate(
  rng: Prng,
  id: UpdateIdentity,
  p: { os: WindowsOs; kb: string; cves: string[]; severity?: Severity },
): FeedItem {
  return revisionOne(id, {
    title: `${monthLabel(id.releasedAt)} Cumulative Update for ${p.os.dotnetLabel} for ${p.os.name} for ${p.os.arch} (KB${p.kb})`,
    description:
      'A security issue has been identified in a Microsoft software product that could affect your system. You can help protect your system ' +
      'by installing this update from Microsoft. After you install this update, you may have to restart your system.',
    kb: [`KB${p.kb}`],
    cves: p.cves,
    classification: 'security',
    products: [p.os.product, 'Developer Tools/.NET Framework'],
    severity: p.severity ?? rng.weighted([['important', 6], ['moderate', 3], ['critical', 1]] as const),
    installBehavior: { reboot: 'maybe', userInput: false },
    requiresEula: false,
    files: [upstreamFile(msDownloadDirectory('secu', id.releasedAt), msuFileName(p.os, p.kb, '-ndp481'), sizeMib(rng, [55, 95]))],
    applicability: windowsApplicability(p.os),
  });
}

export function dotnetRuntimeUpdate(
  rng: Prng,
  id: UpdateIdentity,
  p: { major: string; patch: number; kb: string; cves: string[]; severity?: Severity },
): FeedItem {
  const version = `${p.major}.${p.patch}`;
  return revisionOne(id, {
    title: `.NET ${version} Security Update for x64 Client (KB${p.kb})`,
    description: `Install this update to help protect your system against the vulnerabilities fixed in .NET ${version}. The update replaces earlier .NET ${p.major} runtimes.`,
    kb: [`KB${p.kb}`],
    cves: p.cves,
    classification: 'security',
    products: [`Developer Tools/.NET ${p.major}`],
    severity: p.severity ?? rng.weighted([['important', 5], ['moderate', 4], ['low', 1]] as const),
    installBehavior: { reboot: 'never', userInput: false },
    requiresEula: false,
    files: [upstreamFile(`dotnet/${version}`, `windowsdesktop-runtime-${version}-win-x64.exe`, sizeMib(rng, [54, 61]))],
    applicability: { osFamily: ['windows'], arch: ['x64'], minOsVersion: '10.0.17763' },
  });
}

export const OFFICE_2016_APPS = ['Excel', 'Word', 'Outlook', 'PowerPoint'] as const;
export type OfficeApp = (typeof OFFICE_2016_APPS)[number];

export function officeSecurityUpdate(
  rng: Prng,
  id: UpdateIdentity,
  p: { app: OfficeApp; kb: string; cves: string[]; severity?: Severity },
): FeedItem {
  return revisionOne(id, {
    title: `Security Update for Microsoft ${p.app} 2016 (KB${p.kb}) 64-Bit Edition`,
    description:
      `A security vulnerability exists in Microsoft ${p.app} 2016 64-Bit Edition that could allow arbitrary code to run when a maliciously ` +
      'modified file is opened. This update resolves that vulnerability.',
    kb: [`KB${p.kb}`],
    cves: p.cves,
    classification: 'security',
    products: ['Office/Office 2016'],
    severity: p.severity ?? rng.weighted([['important', 7], ['critical', 2], ['moderate', 1]] as const),
    installBehavior: { reboot: 'maybe', userInput: false },
    requiresEula: false,
    files: [upstreamFile(msDownloadDirectory('secu', id.releasedAt), `${p.app.toLowerCase()}2016-kb${p.kb}-fullfile-x64-glb.exe`, sizeMib(rng, [28, 82]))],
    applicability: { osFamily: ['windows'], arch: ['x64'] },
  });
}

/** Microsoft 365 Apps, Monthly Enterprise Channel: a security update when it fixes CVEs. */
export function microsoft365AppsUpdate(
  rng: Prng,
  id: UpdateIdentity,
  p: { channelVersion: string; build: string; cves: string[] },
): FeedItem {
  const isSecurity = p.cves.length > 0;
  return revisionOne(id, {
    title: `Microsoft 365 Apps Update - Monthly Enterprise Channel Version ${p.channelVersion} for x64 based Edition (Build ${p.build})`,
    description: 'Microsoft 365 Apps for enterprise update for the Monthly Enterprise Channel. Applications are updated the next time they are closed.',
    kb: [],
    cves: p.cves,
    classification: isSecurity ? 'security' : 'update',
    products: ['Office/Microsoft 365 Apps'],
    severity: isSecurity ? 'important' : null,
    installBehavior: { reboot: 'never', userInput: false },
    requiresEula: false,
    files: [upstreamFile(`office/mec/${p.channelVersion}`, `Microsoft365Apps-x64-${p.build}.cab`, sizeMib(rng, [290, 520]))],
    applicability: { osFamily: ['windows'], arch: ['x64'], minOsVersion: '10.0.17763' },
  });
}

/** Microsoft Defender Antivirus security intelligence: one KB number for all of them. */
export function defenderDefinitionUpdate(rng: Prng, id: UpdateIdentity, p: { version: string }): FeedItem {
  const directory = `c/definitionupdates/${p.version}`;
  return revisionOne(id, {
    title: `Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version ${p.version}) - Current Channel (Broad)`,
    description:
      'Install this update to revise the files that are used to detect viruses, spyware, and other potentially unwanted software. ' +
      'Once you have installed this item, it cannot be removed.',
    kb: ['KB2267602'],
    cves: [],
    classification: 'definition',
    products: ['Windows/Microsoft Defender Antivirus'],
    severity: null,
    installBehavior: { reboot: 'never', userInput: false },
    requiresEula: false,
    files: [
      upstreamFile(directory, `mpam-fe-x64_${p.version}.exe`, sizeMib(rng, [134, 146])),
      upstreamFile(directory, `mpam-fe-arm64_${p.version}.exe`, sizeMib(rng, [126, 138])),
    ],
    applicability: { osFamily: ['windows'], arch: ['x64', 'arm64'] },
  });
}

export function defenderPlatformUpdate(rng: Prng, id: UpdateIdentity, p: { version: string }): FeedItem {
  return revisionOne(id, {
    title: `Update for Microsoft Defender Antivirus antimalware platform - KB4052623 (Version ${p.version}) - Current Channel (Broad)`,
    description: 'This package updates the Microsoft Defender Antivirus antimalware platform (engine service and client).',
    kb: ['KB4052623'],
    cves: [],
    classification: 'update',
    products: ['Windows/Microsoft Defender Antivirus'],
    severity: null,
    installBehavior: { reboot: 'never', userInput: false },
    requiresEula: false,
    files: [upstreamFile(`c/defenderplatform/${p.version}`, `updateplatform.amd64fre_${p.version}.exe`, sizeMib(rng, [17, 24]))],
    applicability: { osFamily: ['windows'], arch: ['x64'], minOsVersion: '10.0.17763' },
  });
}

/** Windows Malicious Software Removal Tool: WSUS files it under Update Rollups. */
export function maliciousSoftwareRemovalTool(rng: Prng, id: UpdateIdentity, p: { version: string }): FeedItem {
  return revisionOne(id, {
    title: `Windows Malicious Software Removal Tool x64 - v${p.version} (KB890830)`,
    description:
      'After the download, this tool runs one time to check your computer for infection by specific, prevalent malicious software ' +
      '(including Blaster, Sasser, and Mydoom) and helps remove any infection that is found.',
    kb: ['KB890830'],
    cves: [],
    classification: 'update_rollup',
    products: [...WINDOWS_PRODUCTS],
    severity: null,
    installBehavior: { reboot: 'maybe', userInput: false },
    requiresEula: false,
    files: [
      upstreamFile(msDownloadDirectory('uprl', id.releasedAt), `windows-kb890830-x64-v${p.version}_${fakeSha1(`msrt:${p.version}`)}.exe`, sizeMib(rng, [70, 82])),
    ],
    applicability: { osFamily: ['windows'], arch: ['x64'], minOsVersion: '10.0.17763' },
  });
}

export function systemCenterRollup(rng: Prng, id: UpdateIdentity, p: { rollup: number; kb: string; severity?: Severity | null }): FeedItem {
  return revisionOne(id, {
    title: `Update Rollup ${p.rollup} for System Center 2025 Operations Manager (KB${p.kb})`,
    description: `Update Rollup ${p.rollup} for System Center 2025 Operations Manager fixes issues in the management server, console and agents.`,
    kb: [`KB${p.kb}`],
    cves: [],
    classification: 'update_rollup',
    products: ['System Center/System Center 2025 Operations Manager'],
    severity: p.severity ?? null,
    installBehavior: { reboot: 'maybe', userInput: false },
    requiresEula: false,
    files: [upstreamFile(msDownloadDirectory('uprl', id.releasedAt), `kb${p.kb}-amd64-server.msp`, sizeMib(rng, [40, 120]))],
    applicability: { osFamily: ['windows'], arch: ['x64'], minOsVersion: '10.0.20348' },
  });
}

export interface DriverModel {
  key: string;
  vendor: string;
  deviceClass: 'Display' | 'Extension' | 'Firmware' | 'Net' | 'System' | 'MEDIA';
  arch: 'x64' | 'arm64';
  products: readonly string[];
  sizeMib: readonly [number, number];
}

export const DRIVER_MODELS: readonly DriverModel[] = [
  { key: 'intel-display', vendor: 'Intel Corporation', deviceClass: 'Display', arch: 'x64', products: ['Windows/Windows 11', 'Windows/Windows 10'], sizeMib: [620, 910] },
  { key: 'realtek-audio', vendor: 'Realtek Semiconductor Corp.', deviceClass: 'MEDIA', arch: 'x64', products: ['Windows/Windows 11'], sizeMib: [28, 64] },
  { key: 'lenovo-firmware', vendor: 'Lenovo', deviceClass: 'Firmware', arch: 'x64', products: ['Windows/Windows 11'], sizeMib: [12, 36] },
  { key: 'broadcom-net', vendor: 'Broadcom', deviceClass: 'Net', arch: 'x64', products: ['Windows/Windows Server 2022', 'Windows/Windows Server 2025'], sizeMib: [3, 14] },
  { key: 'qualcomm-system', vendor: 'Qualcomm Technologies, Inc.', deviceClass: 'System', arch: 'arm64', products: ['Windows/Windows 11'], sizeMib: [5, 22] },
  { key: 'intel-extension', vendor: 'Intel', deviceClass: 'Extension', arch: 'x64', products: ['Windows/Windows 11', 'Windows/Windows 10'], sizeMib: [1, 3] },
];

export function driverUpdate(rng: Prng, id: UpdateIdentity, p: { model: DriverModel; version: string }): FeedItem {
  const slug = `${p.model.key}-${p.version}`;
  return revisionOne(id, {
    title: `${p.model.vendor} - ${p.model.deviceClass} - ${p.version}`,
    description: `${p.model.vendor} ${p.model.deviceClass} driver update released in ${monthLabel(id.releasedAt)}.`,
    kb: [],
    cves: [],
    classification: 'driver',
    products: [...p.model.products],
    severity: null,
    installBehavior: { reboot: p.model.deviceClass === 'Firmware' ? 'always' : 'maybe', userInput: false },
    requiresEula: false,
    files: [upstreamFile(`d/msdownload/update/driver/drvs/${monthLabel(id.releasedAt).replace('-', '/')}`, `${slug}.cab`, sizeMib(rng, p.model.sizeMib))],
    applicability: { osFamily: ['windows'], arch: [p.model.arch], minOsVersion: '10.0.19041' },
  });
}

export function edgeUpdate(rng: Prng, id: UpdateIdentity, p: { build: string; cves?: string[] }): FeedItem {
  const major = p.build.split('.')[0];
  return revisionOne(id, {
    title: `Microsoft Edge-Stable Channel Version ${major} Update for x64 based Editions (Build ${p.build})`,
    description: 'Microsoft Edge Stable Channel update. Edge restarts to finish updating the next time the browser is closed.',
    kb: [],
    cves: p.cves ?? [],
    classification: 'update',
    products: ['Microsoft Edge/Microsoft Edge'],
    severity: null,
    installBehavior: { reboot: 'never', userInput: false },
    requiresEula: false,
    files: [upstreamFile(`edge/${p.build}`, `MicrosoftEdgeEnterpriseX64_${p.build}.msi`, sizeMib(rng, [160, 182]))],
    applicability: { osFamily: ['windows'], arch: ['x64'], minOsVersion: '10.0.17763' },
  });
}

/** Non-security fix for a problem that stops people working; some carry an MSRC rating. */
export function criticalFix(
  rng: Prng,
  id: UpdateIdentity,
  p: { os: WindowsOs; kb: string; issue: string; severity: Severity | null },
): FeedItem {
  return revisionOne(id, {
    title: `Critical Update for ${p.os.name} for ${p.os.archLabel} (KB${p.kb})`,
    description: `This update fixes an issue in which ${p.issue}.`,
    kb: [`KB${p.kb}`],
    cves: [],
    classification: 'critical',
    products: [p.os.product],
    severity: p.severity,
    installBehavior: { reboot: rng.chance(0.7) ? 'always' : 'maybe', userInput: false },
    requiresEula: false,
    files: [upstreamFile(msDownloadDirectory('crup', id.releasedAt), msuFileName(p.os, p.kb), sizeMib(rng, [4, 60]))],
    applicability: windowsApplicability(p.os),
  });
}

export const CRITICAL_ISSUES: readonly string[] = [
  'domain controllers stop responding to Kerberos authentication requests after the lsass.exe process leaks memory',
  'devices fail to start and show a BitLocker recovery screen after a firmware update',
  'Remote Desktop sessions disconnect every few minutes when UDP transport is used',
  'Hyper-V hosts stop responding when a virtual machine with many virtual processors is live-migrated',
  'the Windows Update agent stops scanning against WSUS after the servicing stack is updated',
  'Cluster Shared Volumes go into a paused state during backup',
];

export function servicePack(
  rng: Prng,
  id: UpdateIdentity,
  p: { productName: string; product: string; servicePack: number; kb: string; requiresEula: boolean },
): FeedItem {
  return revisionOne(id, {
    title: `${p.productName} Service Pack ${p.servicePack} for x64-based Systems (KB${p.kb})`,
    description: `Service Pack ${p.servicePack} for ${p.productName} contains all fixes released since the product shipped and new functionality.`,
    kb: [`KB${p.kb}`],
    cves: [],
    classification: 'service_pack',
    products: [p.product],
    severity: null,
    installBehavior: { reboot: 'maybe', userInput: false },
    requiresEula: p.requiresEula,
    files: [upstreamFile(msDownloadDirectory('updt', id.releasedAt), `${p.productName.replace(/\W+/g, '')}-SP${p.servicePack}-KB${p.kb}-x64-ENU.exe`, sizeMib(rng, [900, 1400]))],
    applicability: { osFamily: ['windows'], arch: ['x64'], minOsVersion: '10.0.17763' },
  });
}

export function featureExperiencePack(rng: Prng, id: UpdateIdentity, p: { os: WindowsOs; packVersion: string; kb: string }): FeedItem {
  return revisionOne(id, {
    title: `Windows Feature Experience Pack ${p.packVersion} for ${p.os.name} for ${p.os.archLabel} (KB${p.kb})`,
    description: 'This feature pack delivers new features and improvements to the Windows shell outside of the monthly cumulative updates.',
    kb: [`KB${p.kb}`],
    cves: [],
    classification: 'feature_pack',
    products: [p.os.product],
    severity: null,
    installBehavior: { reboot: 'maybe', userInput: false },
    requiresEula: false,
    files: [upstreamFile(msDownloadDirectory('ftpk', id.releasedAt), msuFileName(p.os, p.kb), sizeMib(rng, [40, 90]))],
    applicability: windowsApplicability(p.os),
  });
}

export interface ToolTemplate {
  key: string;
  name: string;
  products: readonly string[];
  osFamily: string;
  arch: readonly string[];
  minOsVersion?: string;
  fileExtension: string;
  sizeMib: readonly [number, number];
  description: string;
}

export const TOOL_TEMPLATES: readonly ToolTemplate[] = [
  {
    key: 'rsat',
    name: 'Remote Server Administration Tools for Windows 11 Version 24H2',
    products: ['Windows/Windows 11'],
    osFamily: 'windows',
    arch: ['x64'],
    minOsVersion: '10.0.26100',
    fileExtension: 'msu',
    sizeMib: [95, 130],
    description: 'Remote Server Administration Tools let IT administrators manage roles and features of Windows Server from a Windows client.',
  },
  {
    key: 'sysinternals',
    name: 'Sysinternals Suite',
    products: ['Windows/Windows 11', 'Windows/Windows 10', 'Windows/Windows Server 2022', 'Windows/Windows Server 2025'],
    osFamily: 'windows',
    arch: ['x64', 'arm64'],
    fileExtension: 'zip',
    sizeMib: [50, 62],
    description: 'Sysinternals troubleshooting utilities: Process Explorer, Process Monitor, Autoruns and others.',
  },
  {
    key: 'adk',
    name: 'Windows Assessment and Deployment Kit for Windows 11 Version 24H2',
    products: ['Windows/Windows 11', 'Windows/Windows Server 2025'],
    osFamily: 'windows',
    arch: ['x64'],
    minOsVersion: '10.0.17763',
    fileExtension: 'exe',
    sizeMib: [1, 2],
    description: 'Windows ADK: tools to customize Windows images for large-scale deployment and to test the quality and performance of systems.',
  },
  {
    key: 'ubuntu-advantage-tools',
    name: 'Ubuntu Pro Client (ubuntu-advantage-tools)',
    products: ['Linux/Ubuntu 22.04 LTS', 'Linux/Ubuntu 24.04 LTS'],
    osFamily: 'linux',
    arch: ['x64', 'arm64'],
    minOsVersion: '22.04',
    fileExtension: 'deb',
    sizeMib: [0.2, 0.4],
    description: 'Ubuntu Pro Client: attach machines to Ubuntu Pro and enable services such as ESM and Livepatch.',
  },
];

export function toolUpdate(rng: Prng, id: UpdateIdentity, p: { template: ToolTemplate; version: string; kb?: string }): FeedItem {
  const fileName = `${p.template.key}-${p.version}.${p.template.fileExtension}`;
  return revisionOne(id, {
    title: p.kb ? `${p.template.name} (KB${p.kb})` : `${p.template.name} ${p.version}`,
    description: p.template.description,
    kb: p.kb ? [`KB${p.kb}`] : [],
    cves: [],
    classification: 'tool',
    products: [...p.template.products],
    severity: null,
    installBehavior: { reboot: 'never', userInput: false },
    requiresEula: p.template.osFamily === 'windows' && p.template.key !== 'sysinternals',
    files: [upstreamFile(`tools/${p.template.key}/${p.version}`, fileName, sizeMib(rng, p.template.sizeMib))],
    applicability: {
      osFamily: [p.template.osFamily],
      arch: [...p.template.arch],
      ...(p.template.minOsVersion ? { minOsVersion: p.template.minOsVersion } : {}),
    },
  });
}

/** Windows feature update ("Upgrades"): needs the licence accepted and a user at the machine. */
export function windowsFeatureUpdate(
  rng: Prng,
  id: UpdateIdentity,
  p: { version: string; build: string; arch: 'x64' | 'arm64' },
): FeedItem {
  const media = monthLabel(id.releasedAt);
  return revisionOne(id, {
    title: `Windows 11, version ${p.version} ${p.arch} ${media}`,
    description: `Install the latest version of Windows: Windows 11, version ${p.version} (OS build ${p.build}), with the ${media} cumulative update included.`,
    kb: [],
    cves: [],
    classification: 'upgrade',
    products: ['Windows/Windows 11'],
    severity: null,
    installBehavior: { reboot: 'always', userInput: true },
    requiresEula: true,
    files: [
      upstreamFile(
        `d/upgr/${media.replace('-', '/')}`,
        `${p.build}.${media.replace('-', '')}-1706.ge_release_svc_refresh_CLIENTBUSINESS_VOL_${p.arch}FRE_en-us.esd`,
        sizeMib(rng, [5400, 6300]),
      ),
    ],
    applicability: { osFamily: ['windows'], arch: [p.arch], minOsVersion: '10.0.19045' },
  });
}

export function macosUpgrade(rng: Prng, id: UpdateIdentity, p: { release: MacosRelease; version: string; minOsVersion: string }): FeedItem {
  return revisionOne(id, {
    title: `macOS ${p.release.marketingName} ${p.version} upgrade`,
    description: `Upgrade to macOS ${p.release.marketingName} ${p.version}. The installer needs the software licence agreement accepted.`,
    kb: [],
    cves: [],
    classification: 'upgrade',
    products: [p.release.product],
    severity: null,
    installBehavior: { reboot: 'always', userInput: true },
    requiresEula: true,
    files: [upstreamFile(`apple/installassistant/${p.version}`, `InstallAssistant-${p.version}.pkg`, sizeMib(rng, [15_800, 16_900]))],
    applicability: { osFamily: ['macos'], arch: ['arm64', 'x64'], minOsVersion: p.minOsVersion },
  });
}

export const UBUNTU_PACKAGES = ['linux', 'openssl', 'openssh'] as const;
export type UbuntuPackage = (typeof UBUNTU_PACKAGES)[number];

interface UbuntuPackageShape {
  notice: string;
  description: string;
  directory: string;
  reboot: 'never' | 'always' | 'maybe';
  files: (release: UbuntuRelease, n: number) => { name: string; sizeMib: [number, number] }[];
}

const UBUNTU_PACKAGE_SHAPES: Record<UbuntuPackage, UbuntuPackageShape> = {
  linux: {
    notice: 'Linux kernel vulnerabilities',
    description: 'Several security issues were fixed in the Linux kernel.',
    directory: 'ubuntu/pool/main/l/linux',
    reboot: 'always',
    files: (release, n) => {
      const abi = release.version === '24.04' ? `6.8.0-${84 + n}` : `5.15.0-${153 + n}`;
      const version = release.version === '24.04' ? `${abi}.${85 + n}` : `${abi}.${163 + n}`;
      return [
        { name: `linux-image-${abi}-generic_${version}_amd64.deb`, sizeMib: [13, 16] },
        { name: `linux-modules-${abi}-generic_${version}_amd64.deb`, sizeMib: [38, 44] },
      ];
    },
  },
  openssl: {
    notice: 'OpenSSL vulnerabilities',
    description: 'Several security issues were fixed in OpenSSL.',
    directory: 'ubuntu/pool/main/o/openssl',
    reboot: 'maybe',
    files: (release, n) => {
      const version = release.version === '24.04' ? `3.0.13-0ubuntu3.${6 + n}` : `3.0.2-0ubuntu1.${20 + n}`;
      const library = release.version === '24.04' ? 'libssl3t64' : 'libssl3';
      return [
        { name: `openssl_${version}_amd64.deb`, sizeMib: [1.1, 1.3] },
        { name: `${library}_${version}_amd64.deb`, sizeMib: [1.8, 2.0] },
      ];
    },
  },
  openssh: {
    notice: 'OpenSSH vulnerabilities',
    description: 'OpenSSH could be made to crash or run programs if it received specially crafted network traffic.',
    directory: 'ubuntu/pool/main/o/openssh',
    reboot: 'never',
    files: (release, n) => {
      const version = release.version === '24.04' ? `9.6p1-3ubuntu13.${14 + n}` : `8.9p1-3ubuntu0.${13 + n}`;
      return [
        { name: `openssh-server_${version}_amd64.deb`, sizeMib: [0.4, 0.6] },
        { name: `openssh-client_${version}_amd64.deb`, sizeMib: [0.8, 1.0] },
      ];
    },
  },
};

/** An Ubuntu Security Notice for one release; `n` numbers the package's successive fixes. */
export function ubuntuSecurityUpdate(
  rng: Prng,
  id: UpdateIdentity,
  p: { usn: string; pkg: UbuntuPackage; release: UbuntuRelease; n: number; cves: string[]; severity: Severity },
): FeedItem {
  const shape = UBUNTU_PACKAGE_SHAPES[p.pkg];
  return revisionOne(id, {
    title: `USN-${p.usn}: ${shape.notice} (${p.release.label})`,
    description: shape.description,
    kb: [],
    cves: p.cves,
    classification: 'security',
    products: [p.release.product],
    severity: p.severity,
    installBehavior: { reboot: shape.reboot, userInput: false },
    requiresEula: false,
    files: shape.files(p.release, p.n).map((file) => upstreamFile(shape.directory, file.name, sizeMib(rng, file.sizeMib))),
    applicability: { osFamily: ['linux'], arch: ['x64'], minOsVersion: p.release.version },
  });
}

export function macosSecurityUpdate(
  rng: Prng,
  id: UpdateIdentity,
  p: { release: MacosRelease; version: string; cves: string[]; severity: Severity },
): FeedItem {
  return revisionOne(id, {
    title: `macOS ${p.release.marketingName} ${p.version}`,
    description: `macOS ${p.release.marketingName} ${p.version} provides important security fixes and is recommended for all users.`,
    kb: [],
    cves: p.cves,
    classification: 'security',
    products: [p.release.product],
    severity: p.severity,
    installBehavior: { reboot: 'always', userInput: false },
    requiresEula: false,
    files: [upstreamFile(`apple/macos/${p.version}`, `macOSUpd${p.version}.pkg`, sizeMib(rng, [1_100, 3_400]))],
    applicability: { osFamily: ['macos'], arch: ['arm64', 'x64'], minOsVersion: `${p.release.major}.0` },
  });
}

export function safariUpdate(
  rng: Prng,
  id: UpdateIdentity,
  p: { release: MacosRelease; version: string; cves: string[]; severity: Severity },
): FeedItem {
  return revisionOne(id, {
    title: `Safari ${p.version} for macOS ${p.release.marketingName}`,
    description: `Safari ${p.version} for macOS ${p.release.marketingName} includes security content and web compatibility fixes.`,
    kb: [],
    cves: p.cves,
    classification: 'security',
    products: ['macOS/Safari'],
    severity: p.severity,
    installBehavior: { reboot: 'never', userInput: false },
    requiresEula: false,
    files: [upstreamFile(`apple/safari/${p.version}`, `Safari${p.version}${p.release.marketingName}Auto.pkg`, sizeMib(rng, [110, 165]))],
    applicability: { osFamily: ['macos'], arch: ['arm64', 'x64'], minOsVersion: `${p.release.major}.0` },
  });
}

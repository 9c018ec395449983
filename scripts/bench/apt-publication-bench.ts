/**
 * APT publication benchmark (docs/benchmarks.md, "APT repositories"): publishes the full
 * Debian 12 baseline (this machine's apt lists of bookworm main amd64) and an approved suite of
 * 100 updates (from bookworm-security) for 200 group paths, then measures the re-publication
 * of all 200 after one more approval. On a private PostgreSQL + Redis, through the real
 * AptPublisherService (build, gzip, sign, store).
 *
 *   npm run bench:apt-publication [-- --groups 200]
 *
 * Needs /var/lib/apt/lists of a Debian 12 machine (apt-get update) and /usr/lib/apt/apt-helper.
 * Not a test: figures are read by a person.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApiApp } from '../../src/api-app';
import { AppConfig } from '../../src/infra/config/app-config';
import { LocalServices, startLocalServices } from '../../src/infra/services/local-services';
import { AptPublisherService } from '../../src/modules/apt-repository/apt-publisher.service';
import { fieldValue, parseStanza, republishStanza } from '../../src/modules/apt-repository/publication/control-stanza';
import { PublishedBinary, SuiteContent } from '../../src/modules/apt-repository/publication/release-builder';

const LISTS = '/var/lib/apt/lists';

function readList(file: string): PublishedBinary[] {
  const text = execFileSync('/usr/lib/apt/apt-helper', ['cat-file', join(LISTS, file)], { maxBuffer: 256 * 1024 * 1024 }).toString('utf8');
  return text
    .split(/\n\n+/)
    .filter((s) => s.trim())
    .map((stanza) => {
      const fields = parseStanza(stanza);
      const filename = fieldValue(fields, 'Filename')!;
      const sha256 = fieldValue(fields, 'SHA256')!;
      return {
        package: fieldValue(fields, 'Package')!,
        version: fieldValue(fields, 'Version')!,
        architecture: fieldValue(fields, 'Architecture')!,
        stanza: republishStanza(stanza, `pool/${sha256}/${filename.slice(filename.lastIndexOf('/') + 1)}`),
      };
    });
}

const suite = (name: string, binaries: PublishedBinary[]): SuiteContent => ({
  suite: name,
  codename: name,
  origin: 'Patchgate',
  label: 'Patchgate debian bookworm',
  architectures: ['amd64'],
  components: new Map([['main', binaries]]),
});

function argument(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = process.hrtime.bigint();
  const result = await work();
  return [result, Number(process.hrtime.bigint() - started) / 1e6];
}

async function main(): Promise<void> {
  const groups = argument('groups', 200);
  const root = mkdtempSync(join(tmpdir(), 'patchgate-apt-bench-'));
  let services: LocalServices | undefined;
  let api: NestFastifyApplication | undefined;
  try {
    console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}`);
    const [baseline, readMs] = await timed(async () => readList('deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4'));
    const security = readList('deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages.lz4');
    console.log(`read: ${baseline.length} baseline stanzas in ${readMs.toFixed(0)} ms; ${security.length} security stanzas`);

    services = await startLocalServices({ dataDir: join(root, 'services'), log: () => undefined });
    const config = AppConfig.fromEnvironment({
      DATABASE_URL: services.databaseUrl,
      REDIS_URL: services.redisUrl,
      JWT_SECRET: randomBytes(32).toString('hex'),
      PATCHGATE_ADMIN_USER: 'bench',
      PATCHGATE_ADMIN_PASSWORD: randomBytes(12).toString('hex'),
      PATCHGATE_REDIS_PREFIX: 'bench',
      LOG_LEVEL: 'warn',
    });
    api = (await createApiApp(config)).app;
    const publisher = api.get(AptPublisherService);

    const [base, baseMs] = await timed(() => publisher.publish('debian/bookworm', suite('bookworm', baseline)));
    const sizes = base.indexFiles.map((f) => `${f.path} ${(f.size / 2 ** 20).toFixed(1)} MiB`).join(', ');
    console.log(`baseline publication: ${baseMs.toFixed(0)} ms (${sizes})`);
    const [, unchangedMs] = await timed(() => publisher.publish('debian/bookworm', suite('bookworm', baseline)));
    console.log(`baseline, unchanged content: ${unchangedMs.toFixed(0)} ms (kept as it is)`);

    // 100 approved updates: the first 100 source packages of bookworm-security, every binary of each.
    const sources = [...new Set(security.map((b) => b.stanza.match(/^Source: (\S+)/m)?.[1] ?? b.package))].slice(0, 101);
    const bySource = (names: string[]) => security.filter((b) => names.includes(b.stanza.match(/^Source: (\S+)/m)?.[1] ?? b.package));
    const approved = bySource(sources.slice(0, 100));
    const [, firstMs] = await timed(async () => {
      for (let g = 0; g < groups; g++) await publisher.publish(`debian/bookworm-approved/g${g}`, suite('bookworm-approved', approved));
    });
    console.log(`approved suites: ${approved.length} stanzas (100 sources) for ${groups} groups: ${firstMs.toFixed(0)} ms (${(firstMs / groups).toFixed(1)} ms a group)`);
    const oneMore = bySource(sources);
    const [, againMs] = await timed(async () => {
      for (let g = 0; g < groups; g++) await publisher.publish(`debian/bookworm-approved/g${g}`, suite('bookworm-approved', oneMore));
    });
    console.log(`re-publication after one approval for ${groups} groups: ${againMs.toFixed(0)} ms (${(againMs / groups).toFixed(1)} ms a group)`);
    const [renewed, renewMs] = await timed(() => publisher.renewExpiring(new Date(Date.now() + (config.apt.validDays - 0.5) * 86_400_000)));
    console.log(`renewal of ${renewed} idle publications: ${renewMs.toFixed(0)} ms`);
  } finally {
    await api?.close();
    await services?.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

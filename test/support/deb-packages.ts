import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BuiltDeb {
  package: string;
  version: string;
  architecture: string;
  path: string;
  bytes: Buffer;
  sha256: string;
  /** the control stanza as an archive's Packages index lists it (Filename relative to the archive root) */
  stanza: string;
}

/** A tiny binary package built with the real dpkg-deb (one file under /usr/share/doc). */
export function buildDeb(dir: string, spec: { package: string; version: string; architecture?: string; depends?: string; source?: string; extra?: string }): BuiltDeb {
  const architecture = spec.architecture ?? 'amd64';
  const tree = join(dir, `${spec.package}_${spec.version}`.replace(/[:~]/g, '_'));
  mkdirSync(join(tree, 'DEBIAN'), { recursive: true });
  mkdirSync(join(tree, 'usr/share/doc', spec.package), { recursive: true });
  writeFileSync(join(tree, 'usr/share/doc', spec.package, 'VERSION'), `${spec.version}\n`);
  const control = [
    `Package: ${spec.package}`,
    ...(spec.source ? [`Source: ${spec.source}`] : []),
    `Version: ${spec.version}`,
    `Architecture: ${architecture}`,
    'Maintainer: Patchgate tests <tests@example.invalid>',
    ...(spec.depends ? [`Depends: ${spec.depends}`] : []),
    `Description: ${spec.package} for Patchgate tests`,
    ' Built by test/support/deb-packages.ts.',
  ].join('\n');
  writeFileSync(join(tree, 'DEBIAN/control'), `${control}\n`);
  const fileName = `${spec.package}_${spec.version.replace(/^\d+:/, '')}_${architecture}.deb`;
  const path = join(dir, fileName);
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', tree, path], { stdio: 'ignore' });
  const bytes = readFileSync(path);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const stanza = `${control.replace(/\nDescription:/, `\n${spec.extra ?? ''}Filename: pool/main/${spec.package[0]}/${spec.package}/${fileName}\nSize: ${bytes.length}\nSHA256: ${sha256}\nDescription:`)}\n`;
  return { package: spec.package, version: spec.version, architecture, path, bytes, sha256, stanza };
}

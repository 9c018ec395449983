import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface OsRelease {
  /** `debian`, `ubuntu` */
  id: string;
  /** `12`, `24.04` */
  versionId: string | null;
  /** `bookworm`, `noble` */
  codename: string;
}

/** /etc/os-release under `root` (else /usr/lib/os-release), as systemd documents its format. */
export function readOsRelease(root: string): OsRelease {
  const path = [join(root, 'etc/os-release'), join(root, 'usr/lib/os-release')].find((p) => existsSync(p));
  if (!path) throw new Error(`no os-release under ${root}: apt-setup needs a Debian or Ubuntu system`);
  const values = new Map<string, string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^([A-Z_]{1,64})=(.{0,256})$/.exec(line.slice(0, 330));
    if (match) values.set(match[1], match[2].replace(/^(["'])(.*)\1$/, '$2'));
  }
  const id = values.get('ID');
  const codename = values.get('VERSION_CODENAME') ?? values.get('UBUNTU_CODENAME');
  if (!id || !/^[a-z0-9._-]{1,32}$/.test(id)) throw new Error(`${path}: no usable ID`);
  if (!codename || !/^[a-z0-9-]{1,32}$/.test(codename)) throw new Error(`${path}: no VERSION_CODENAME`);
  return { id, versionId: values.get('VERSION_ID') ?? null, codename };
}

/**
 * The deb822 `.sources` entry of Patchgate's APT repositories (docs/debian.md): written by the
 * agent's `apt-setup` and answered by `GET /client/v1/apt/sources`, so both say the same.
 * Plain TypeScript, no dependencies: the agent imports it too.
 */
export interface AptSourcesSpec {
  /** the Patchgate server as computers reach it: `https://patchgate.example.com` */
  server: string;
  /** os-release ID: `debian`, `ubuntu` */
  distro: string;
  /** `bookworm`: the baseline suite; `<codename>-approved` holds the approved updates */
  codename: string;
  components: string[];
  /** the repository key, ASCII-armored */
  armoredKey: string;
}

/** The repository's base URL for a distro: `<server>/apt/<distro>`. */
export function aptRepositoryUrl(server: string, distro: string): string {
  return `${server.replace(/\/+$/, '')}/apt/${distro}`;
}

/** The .sources text: both suites, the key inline in Signed-By (never [trusted=yes]). */
export function aptSourcesText(spec: AptSourcesSpec): string {
  const key = spec.armoredKey
    .trim()
    .split('\n')
    .map((line) => ` ${line.trim() === '' ? '.' : line}`)
    .join('\n');
  return [
    '# Written by Patchgate (patchgate-agent apt-setup): the baseline and the updates approved for this computer.',
    'Types: deb',
    `URIs: ${aptRepositoryUrl(spec.server, spec.distro)}`,
    `Suites: ${spec.codename} ${spec.codename}-approved`,
    `Components: ${spec.components.join(' ')}`,
    'Signed-By:',
    key,
    '',
  ].join('\n');
}

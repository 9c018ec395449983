/** What a GET under /apt/<distro>/ asks for (docs/debian.md, "Serving"). */
export type AptRequest =
  | { kind: 'release'; suite: string; file: 'InRelease' | 'Release' | 'Release.gpg' }
  | { kind: 'index'; suite: string; path: string }
  | { kind: 'by-hash'; suite: string; sha256: string }
  | { kind: 'pool'; sha256: string; fileName: string };

const MAX_PATH = 512;
const SUITE = '[a-z0-9][a-z0-9.-]{0,63}';
const RELEASE = new RegExp(`^dists/(${SUITE})/(InRelease|Release|Release\\.gpg)$`);
const INDEX = new RegExp(`^dists/(${SUITE})/([a-z0-9-]{1,32}/binary-[a-z0-9-]{1,32}/Packages(?:\\.gz)?)$`);
const BY_HASH = new RegExp(`^dists/(${SUITE})/[a-z0-9-]{1,32}/binary-[a-z0-9-]{1,32}/by-hash/SHA256/([0-9a-f]{64})$`);
const POOL = /^pool\/([0-9a-f]{64})\/([A-Za-z0-9][A-Za-z0-9.+~_%-]{0,254}\.deb)$/;

/** Parses the path after `/apt/<distro>/`; null for anything a repository does not serve (404). */
export function parseAptPath(path: string): AptRequest | null {
  if (path.length > MAX_PATH) return null;
  let match = RELEASE.exec(path);
  if (match) return { kind: 'release', suite: match[1], file: match[2] as 'InRelease' | 'Release' | 'Release.gpg' };
  match = BY_HASH.exec(path);
  if (match) return { kind: 'by-hash', suite: match[1], sha256: match[2] };
  match = INDEX.exec(path);
  if (match) return { kind: 'index', suite: match[1], path: match[2] };
  match = POOL.exec(path);
  if (match) {
    try {
      return { kind: 'pool', sha256: match[1], fileName: decodeURIComponent(match[2]) };
    } catch {
      return null;
    }
  }
  return null;
}

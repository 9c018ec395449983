/** What an `apt` upstream keeps of its configuration (sync_config.upstream_settings). */
export interface AptSource {
  /** Base URL of the archive (the directory that holds `dists/` and `pool/`). */
  url: string;
  suites: string[];
  components: string[];
}

export interface AptUpstreamSettings {
  sources: AptSource[];
  architectures: string[];
  /** ASCII-armored OpenPGP public keys the Release files must be signed with. */
  keyring: string;
  /** The keyring's keys, as shown by the API. */
  keys: { fingerprint: string; userIds: string[] }[];
  /** Only these source packages become updates; empty: all. */
  sourcePackages: string[];
  /** Largest index (compressed or not) accepted, in bytes. */
  maxIndexBytes: number;
}

export const DEFAULT_MAX_INDEX_BYTES = 256 * 1024 * 1024;

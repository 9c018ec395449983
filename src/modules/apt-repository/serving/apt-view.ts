import { AptRelease } from '../apt-catalog-view.repository';
import { SuiteContent } from '../publication/release-builder';

/**
 * What a suite's content is made of, as plain data (a publish-apt-suite job carries it to the
 * worker): the release, the suite name, and for an approved suite the group path whose offer it lists.
 */
export interface SuiteSource {
  release: AptRelease;
  /** `bookworm` (the baseline) or `bookworm-approved` */
  suite: string;
  /** absent for the baseline */
  groupPath?: string[];
}

/** One suite as a computer sees it. */
export interface ViewSuite {
  /** the publication sequence it reads (apt_publications.suite): `debian/bookworm`, `debian/bookworm-approved/<group key>` */
  key: string;
  /** changes exactly when the source's content may be other (the group offer's version, the catalog's) */
  tag: string;
  source: SuiteSource;
}

/** A `.deb` of a computer's view: what it must be, and where the upstream serves it. */
export interface ViewDeb {
  sha256: string;
  size: number;
  upstreamUrl: string;
}

/** What one computer's apt may read: the suites of its release, and the pool files they list. */
export interface AptView {
  computerId: string;
  /** os-release ID: `debian` */
  distro: string;
  codename: string;
  arch: string;
  /** the release's components (`main`) */
  components: string[];
  /** suite name as in the URL (`bookworm`, `bookworm-approved`) → the suite */
  suites: Map<string, ViewSuite>;
  /** the .deb with this sha256 if one of the view's suites lists it, else null */
  deb(sha256: string): Promise<ViewDeb | null>;
}

/**
 * Resolves a computer's view (a port: the offer engine and the apt catalog implement it), so the
 * repository is a view of the same offer as the check-in, never a second computation.
 */
export interface AptViewResolver {
  viewOf(computerId: string): Promise<AptView | null>;
  /** The suite's content now (built where publications are built: the worker). */
  suiteContent(source: SuiteSource): Promise<SuiteContent>;
}

export const APT_VIEW_RESOLVER = Symbol('APT_VIEW_RESOLVER');

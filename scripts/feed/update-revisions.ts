/**
 * How an upstream revises an update it already published: the same updateId, the next
 * revision number, and one metadata change. Shared by the sample feed and the generator.
 */
import { FeedItem, Severity } from './feed-item';
import { fakeSha256 } from './digests';
import { cveIds, feedItem, fileStem } from './feed-vocabulary';
import { Prng } from './prng';

export const REVISION_CHANGES = [
  'title',
  'description',
  'add-file',
  'add-cves',
  'raise-severity',
  'require-eula',
  'expire',
  'add-supersedes',
  'add-arch',
] as const;
export type RevisionChange = (typeof REVISION_CHANGES)[number];

const TITLE_TYPO: readonly [RegExp, string][] = [
  [/Version/, 'Vesion'],
  [/Update/, 'Upadte'],
  [/ for /, ' fro '],
];

/**
 * The flawed title an upstream first published when its next revision is a `title` fix.
 * Apply it to revision 1 before publishing it.
 */
export function titleWithTypo(title: string): string {
  for (const [pattern, typo] of TITLE_TYPO) {
    if (pattern.test(title)) return title.replace(pattern, typo);
  }
  return `${title} (preliminary)`;
}

/** Undoes `titleWithTypo`. */
export function titleWithoutTypo(title: string): string {
  for (const [pattern, typo] of TITLE_TYPO) {
    const correct = pattern.source.replace(/\\/g, '');
    if (title.includes(typo)) return title.replace(typo, correct);
  }
  return title.replace(/ \(preliminary\)$/, '');
}

const SEVERITY_LADDER: readonly Severity[] = ['low', 'moderate', 'important', 'critical'];

/** Whether `change` makes sense for this item (e.g. no severity raise past critical). */
export function revisionChangeApplies(item: FeedItem, change: RevisionChange): boolean {
  switch (change) {
    case 'add-cves':
      return item.classification === 'security';
    case 'raise-severity':
      return item.severity !== null && item.severity !== 'critical';
    case 'require-eula':
      return !item.requiresEula;
    case 'expire':
      return item.state === 'active';
    case 'add-arch':
      return !item.applicability.arch.includes('arm64');
    default:
      return true;
  }
}

export interface RevisionOptions {
  /** For `add-supersedes`: the updateIds to add. Defaults to one id that is in no feed. */
  supersedes?: string[];
  /** For `add-file`: the file to add. Defaults to a small security catalog beside the first file. */
  file?: FeedItem['files'][number];
}

/** The next revision of `item`, with one change. */
export function reviseItem(rng: Prng, item: FeedItem, change: RevisionChange, options: RevisionOptions = {}): FeedItem {
  const next: FeedItem = { ...item, revision: item.revision + 1 };
  switch (change) {
    case 'title':
      next.title = titleWithoutTypo(item.title);
      break;
    case 'description':
      next.description = `${item.description} Revision ${next.revision}: corrected the list of affected products and the known issues section.`;
      break;
    case 'add-file': {
      const first = item.files[0];
      const added = options.file ?? {
        name: `${first ? fileStem(first.name) : item.updateId}.cat`,
        url: first ? first.url.replace(/[^/]+$/, `${fileStem(first.name)}.cat`) : `https://updates.example.invalid/catalogs/${item.updateId}.cat`,
        sha256: fakeSha256(`${item.updateId}:${next.revision}:catalog`),
        size: rng.int(8_000, 48_000),
      };
      next.files = [...item.files, added];
      break;
    }
    case 'add-cves': {
      const year = Number(item.releasedAt.slice(0, 4));
      const added = cveIds(rng, year, rng.int(1, 2)).filter((cve) => !item.cves.includes(cve));
      next.cves = [...item.cves, ...added].sort();
      next.description = `${item.description} Revision ${next.revision}: added CVE information.`;
      break;
    }
    case 'raise-severity': {
      const current = item.severity === null ? -1 : SEVERITY_LADDER.indexOf(item.severity);
      next.severity = SEVERITY_LADDER[Math.min(current + 1, SEVERITY_LADDER.length - 1)];
      break;
    }
    case 'require-eula':
      next.requiresEula = true;
      next.description = `${item.description} Revision ${next.revision}: installing this update now requires accepting the license terms.`;
      break;
    case 'expire':
      next.state = 'expired';
      next.description = `${item.description} Revision ${next.revision}: this update has been withdrawn and expired because of a known issue.`;
      break;
    case 'add-supersedes':
      next.supersedes = [...item.supersedes, ...(options.supersedes ?? [rng.uuid()])];
      break;
    case 'add-arch':
      next.applicability = { ...item.applicability, arch: [...item.applicability.arch, 'arm64'] };
      break;
  }
  return feedItem(next);
}

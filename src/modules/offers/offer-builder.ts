import type { OfferedUpdate } from '../../contracts/client-protocol';
import { Applicability, Classification, RebootBehavior, Severity, UpdateFile } from '../catalog/update-revision';
import { compareOsVersions } from './os-version';

/** What the offer needs of an update: its current revision, active and not globally declined. */
export interface OfferCandidate {
  updateId: string;
  revision: number;
  title: string;
  kb: string[];
  classification: Classification;
  severity: Severity | null;
  reboot: RebootBehavior;
  files: UpdateFile[];
  applicability: Applicability;
  supersedes: string[];
  prerequisites: string[];
  /** effective decision for the computer's group path */
  action: 'install' | 'uninstall';
  deadline: Date | null;
  optional: boolean;
}

/** The offer's entries are the client protocol's (src/contracts/client-protocol.ts). */
export type { OfferedUpdate };

export interface ComputerFacts {
  osFamily: string;
  osVersion: string;
  arch: string;
  /** update id → revision the computer reported installed (installed or pending reboot) */
  installed: Map<string, number>;
}

export function isApplicable(applicability: Applicability, computer: ComputerFacts): boolean {
  const family = computer.osFamily.toLowerCase();
  const arch = computer.arch.toLowerCase();
  if (!applicability.osFamily.some((f) => f.toLowerCase() === family)) return false;
  if (!applicability.arch.some((a) => a.toLowerCase() === arch)) return false;
  return !applicability.minOsVersion || compareOsVersions(computer.osVersion, applicability.minOsVersion) >= 0;
}

/**
 * The offer of docs/design.md §1 for one computer:
 * - only candidates applicable to its OS family, version and architecture;
 * - an install is dropped when the computer reported this revision installed;
 * - an update is dropped when an applicable update approved for install supersedes it (whether that
 *   one is still offered or already installed: either way the superseded one is not needed);
 * - an uninstall is offered only to computers that reported the update installed;
 * - prerequisites come before the updates that need them.
 */
export function buildOffer(candidates: OfferCandidate[], computer: ComputerFacts): OfferedUpdate[] {
  const applicable = candidates.filter((c) => isApplicable(c.applicability, computer));
  const superseded = new Set(applicable.filter((c) => c.action === 'install').flatMap((c) => c.supersedes));
  const offered = applicable.filter((c) => {
    if (superseded.has(c.updateId)) return false;
    if (c.action === 'uninstall') return computer.installed.has(c.updateId);
    return computer.installed.get(c.updateId) !== c.revision;
  });
  return orderByPrerequisites(offered).map(toOffered);
}

/**
 * Depth-first topological order over titles (a stable base order); a prerequisite cycle, which only
 * bad upstream data can make, is broken rather than fatal.
 */
function orderByPrerequisites(items: OfferCandidate[]): OfferCandidate[] {
  const byId = new Map(items.map((c) => [c.updateId, c]));
  const sorted = [...items].sort((a, b) => a.title.localeCompare(b.title) || a.updateId.localeCompare(b.updateId));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const result: OfferCandidate[] = [];
  const visit = (item: OfferCandidate) => {
    if (done.has(item.updateId) || visiting.has(item.updateId)) return;
    visiting.add(item.updateId);
    for (const id of item.prerequisites) {
      const prerequisite = byId.get(id);
      if (prerequisite) visit(prerequisite);
    }
    visiting.delete(item.updateId);
    done.add(item.updateId);
    result.push(item);
  };
  sorted.forEach(visit);
  return result;
}

function toOffered(c: OfferCandidate): OfferedUpdate {
  return {
    updateId: c.updateId,
    revision: c.revision,
    title: c.title,
    kb: c.kb,
    classification: c.classification,
    severity: c.severity,
    action: c.action,
    deadline: c.deadline ? c.deadline.toISOString() : null,
    optional: c.optional,
    reboot: c.reboot,
    files: c.files,
  };
}

/** Counts over a feed's items, for the scripts' summaries and the sample feed's README. */
import { CLASSIFICATIONS, FeedItem, SEVERITIES } from './feed-item';

export class FeedStats {
  items = 0;
  readonly byClassification = new Map<string, number>();
  readonly bySeverity = new Map<string, number>();
  /** Of the current (highest) revision of each update. */
  readonly byState = new Map<string, number>();
  private readonly current = new Map<string, { revision: number; state: string }>();
  private readonly latestClassification = new Map<string, { revision: number; classification: string; severity: string }>();

  add(item: FeedItem): void {
    this.items++;
    const seen = this.current.get(item.updateId);
    if (!seen || item.revision > seen.revision) {
      this.current.set(item.updateId, { revision: item.revision, state: item.state });
      this.latestClassification.set(item.updateId, {
        revision: item.revision,
        classification: item.classification,
        severity: item.severity ?? 'null',
      });
    }
  }

  /** Call once all items are added. */
  finish(): this {
    this.byClassification.clear();
    this.bySeverity.clear();
    this.byState.clear();
    for (const classification of CLASSIFICATIONS) this.byClassification.set(classification, 0);
    for (const severity of [...SEVERITIES, 'null']) this.bySeverity.set(severity, 0);
    for (const { classification, severity } of this.latestClassification.values()) {
      this.byClassification.set(classification, (this.byClassification.get(classification) ?? 0) + 1);
      this.bySeverity.set(severity, (this.bySeverity.get(severity) ?? 0) + 1);
    }
    for (const { state } of this.current.values()) this.byState.set(state, (this.byState.get(state) ?? 0) + 1);
    return this;
  }

  get updates(): number {
    return this.current.size;
  }

  /** Updates published in more than one revision. */
  get revisedUpdates(): number {
    let n = 0;
    for (const { revision } of this.current.values()) if (revision > 1) n++;
    return n;
  }
}

export function formatCounts(counts: Map<string, number>): string {
  return [...counts].map(([key, n]) => `${key} ${n}`).join(', ');
}

export interface ReferenceSummary {
  /** Groups of two or more updates linked by supersedence (weakly connected components). */
  supersedenceChains: number;
  /** Updates in the longest supersedes path. */
  longestChain: number;
  updatesWithPrerequisites: number;
  /** References to updates the feed does not carry. */
  absentReferences: number;
  /** References to updates the feed carries only further on. */
  forwardReferences: number;
  /** Forward references whose target is on a later page. */
  laterPageReferences: number;
}

/** Supersedence and prerequisite structure over the current revision of each update. */
export function summarizeReferences(items: readonly FeedItem[], pageSize: number): ReferenceSummary {
  const current = new Map<string, FeedItem>();
  const firstIndex = new Map<string, number>();
  items.forEach((item, i) => {
    if (!firstIndex.has(item.updateId)) firstIndex.set(item.updateId, i);
    const seen = current.get(item.updateId);
    if (!seen || item.revision > seen.revision) current.set(item.updateId, item);
  });

  let absentReferences = 0;
  let forwardReferences = 0;
  let laterPageReferences = 0;
  items.forEach((item, i) => {
    for (const target of [...item.supersedes, ...item.prerequisites]) {
      const at = firstIndex.get(target);
      if (at === undefined) absentReferences++;
      else if (at > i) {
        forwardReferences++;
        if (Math.floor(at / pageSize) > Math.floor(i / pageSize)) laterPageReferences++;
      }
    }
  });

  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root) ?? root;
    parent.set(id, root);
    return root;
  };
  for (const id of current.keys()) parent.set(id, id);
  for (const item of current.values()) {
    for (const target of item.supersedes) if (current.has(target)) parent.set(find(item.updateId), find(target));
  }
  const sizes = new Map<string, number>();
  for (const id of current.keys()) sizes.set(find(id), (sizes.get(find(id)) ?? 0) + 1);

  // Longest path, iteratively (chains can be thousands long in generated feeds).
  const depth = new Map<string, number>();
  for (const start of current.keys()) {
    const stack = [start];
    while (stack.length > 0) {
      const id = stack[stack.length - 1];
      if (depth.has(id)) {
        stack.pop();
        continue;
      }
      const targets = (current.get(id)?.supersedes ?? []).filter((t) => current.has(t));
      const pending = targets.filter((t) => !depth.has(t) && !stack.includes(t));
      if (pending.length > 0) {
        stack.push(...pending);
        continue;
      }
      depth.set(id, 1 + Math.max(0, ...targets.map((t) => depth.get(t) ?? 0)));
      stack.pop();
    }
  }

  return {
    supersedenceChains: [...sizes.values()].filter((size) => size >= 2).length,
    longestChain: Math.max(0, ...depth.values()),
    updatesWithPrerequisites: [...current.values()].filter((item) => item.prerequisites.length > 0).length,
    absentReferences,
    forwardReferences,
    laterPageReferences,
  };
}

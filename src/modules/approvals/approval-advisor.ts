/**
 * What an install approval still needs before the group's computers can install it, from a
 * client protocol that can tell (the APT repositories: apt's own dependency check). A port: bound
 * in src/wiring/, since those protocols depend on the approvals through the offer engine.
 */
export interface ApprovalAdvice {
  /** true when the group's computers could install the update with what the group approves */
  installable: boolean;
  /** what is missing, in the protocol's words (apt: `bar : Depends: libbaz1 (>= 1.1-1) but …`) */
  unmet: string[];
  /** what was checked (apt: `name=version` of the update's binaries) */
  packages: string[];
}

export interface ApprovalAdvisor {
  /** Null when the update is none of the advisor's (not an APT update). */
  advise(updateId: string, groupId: string): Promise<ApprovalAdvice | null>;
}

export const APPROVAL_ADVISOR = Symbol('APPROVAL_ADVISOR');

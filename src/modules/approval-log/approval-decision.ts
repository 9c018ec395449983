/** The vocabulary of approvals (docs/design.md §1), shared by the API, the rules, the sync listener and the log. */

/** Decisions stored as approvals; `none` ("not approved") is the absence of an approval. */
export const DECISIONS = ['install', 'uninstall', 'decline'] as const;
export type Decision = (typeof DECISIONS)[number];

export const DECISIONS_OR_NONE = [...DECISIONS, 'none'] as const;
export type DecisionOrNone = (typeof DECISIONS_OR_NONE)[number];

/** `needs_review`: an install approval suspended because a new revision requires a EULA. */
export const APPROVAL_STATUSES = ['active', 'needs_review'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

export const APPROVAL_SOURCES = ['manual', 'rule', 'sync', 'maintenance'] as const;
export type ApprovalSource = (typeof APPROVAL_SOURCES)[number];

export const ACTOR_TYPES = ['user', 'api-token', 'rule', 'sync', 'maintenance'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

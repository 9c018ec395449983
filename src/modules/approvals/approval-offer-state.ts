import { ContentState } from '../content/content-mode';
import { ApprovalStatus, Decision } from '../approval-log/approval-decision';

/**
 * What the offer does with an approval, so that no view shows `install / active` for an update
 * nobody is offered (docs/design.md's offer rule, as the offer engine applies it):
 * - `offered`: offered to the computers it applies to (install, or uninstall), unless superseded
 *   by another offered update or already reported installed;
 * - `declined`: the decision is a decline, nothing is offered;
 * - `declined_globally`: the update is declined for all groups, whatever this approval says;
 * - `expired`: the upstream expired the update;
 * - `needs_review`: a suspended install, offered again once someone approves it again;
 * - `content_pending` / `content_failed`: in a storing content mode, the files are not stored yet,
 *   or failed verification; offered once they are stored.
 */
export const OFFER_STATES = ['offered', 'declined', 'declined_globally', 'expired', 'needs_review', 'content_pending', 'content_failed'] as const;
export type OfferState = (typeof OFFER_STATES)[number];

export interface OfferFacts {
  decision: Decision;
  status: ApprovalStatus;
  updateExpired: boolean;
  updateDeclined: boolean;
  /** ContentService.contentStatesOf: null when the mode stores nothing or the decision is not an install */
  content: ContentState | null;
}

export function offerStateOf(facts: OfferFacts): OfferState {
  if (facts.updateDeclined) return 'declined_globally';
  if (facts.updateExpired) return 'expired';
  if (facts.decision === 'decline') return 'declined';
  if (facts.status === 'needs_review') return 'needs_review';
  if (facts.content === 'pending') return 'content_pending';
  if (facts.content === 'failed') return 'content_failed';
  return 'offered';
}

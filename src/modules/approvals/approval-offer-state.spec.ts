import { OfferFacts, offerStateOf } from './approval-offer-state';

const install: OfferFacts = { decision: 'install', status: 'active', updateExpired: false, updateDeclined: false, content: null };

describe('offerStateOf', () => {
  it('says what the offer does, the strongest reason first', () => {
    expect(offerStateOf(install)).toBe('offered');
    expect(offerStateOf({ ...install, content: 'stored' })).toBe('offered');
    expect(offerStateOf({ ...install, decision: 'uninstall' })).toBe('offered');
    expect(offerStateOf({ ...install, content: 'pending' })).toBe('content_pending');
    expect(offerStateOf({ ...install, content: 'failed' })).toBe('content_failed');
    expect(offerStateOf({ ...install, status: 'needs_review', content: 'pending' })).toBe('needs_review');
    expect(offerStateOf({ ...install, decision: 'decline' })).toBe('declined');
    expect(offerStateOf({ ...install, updateExpired: true, status: 'needs_review' })).toBe('expired');
    expect(offerStateOf({ ...install, updateExpired: true, updateDeclined: true })).toBe('declined_globally');
  });
});

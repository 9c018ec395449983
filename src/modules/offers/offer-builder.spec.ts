import { buildOffer, ComputerFacts, OfferCandidate } from './offer-builder';
import { compareOsVersions } from './os-version';

const candidate = (id: string, over: Partial<OfferCandidate> = {}): OfferCandidate => ({
  updateId: id,
  revision: 1,
  title: `Update ${id}`,
  kb: [],
  classification: 'security',
  severity: 'important',
  reboot: 'maybe',
  files: [],
  applicability: { osFamily: ['windows'], arch: ['x64'] },
  supersedes: [],
  prerequisites: [],
  action: 'install',
  deadline: null,
  optional: false,
  ...over,
});

const windows = (installed: [string, number][] = []): ComputerFacts => ({
  osFamily: 'windows',
  osVersion: '10.0.26100',
  arch: 'x64',
  installed: new Map(installed),
});

const ids = (offer: { updateId: string }[]) => offer.map((u) => u.updateId);

describe('buildOffer', () => {
  it('keeps only updates applicable to the OS family, architecture and minimum version', () => {
    const offer = buildOffer(
      [
        candidate('a'),
        candidate('linux', { applicability: { osFamily: ['linux'], arch: ['x64'] } }),
        candidate('arm', { applicability: { osFamily: ['windows'], arch: ['arm64'] } }),
        candidate('newer-os', { applicability: { osFamily: ['windows'], arch: ['x64'], minOsVersion: '10.0.26200' } }),
        candidate('older-os', { applicability: { osFamily: ['Windows'], arch: ['X64'], minOsVersion: '10.0.22631' } }),
      ],
      windows(),
    );
    expect(ids(offer).sort()).toEqual(['a', 'older-os']);
  });

  it('drops an install reported installed at the current revision, but offers a newer revision', () => {
    const offer = buildOffer([candidate('a', { revision: 2 }), candidate('b')], windows([['a', 1], ['b', 1]]));
    expect(ids(offer)).toEqual(['a']);
  });

  it('hides a superseded update when the superseding one is approved, offered or already installed', () => {
    expect(ids(buildOffer([candidate('old'), candidate('new', { supersedes: ['old'] })], windows()))).toEqual(['new']);
    expect(ids(buildOffer([candidate('old'), candidate('new', { supersedes: ['old'] })], windows([['new', 1]])))).toEqual([]);
  });

  it('does not let an inapplicable or uninstall-approved update hide what it supersedes', () => {
    const offer = buildOffer(
      [
        candidate('old'),
        candidate('arm-new', { supersedes: ['old'], applicability: { osFamily: ['windows'], arch: ['arm64'] } }),
        candidate('removed', { supersedes: ['old'], action: 'uninstall' }),
      ],
      windows(),
    );
    expect(ids(offer)).toEqual(['old']);
  });

  it('offers an uninstall only to computers that reported the update installed', () => {
    expect(ids(buildOffer([candidate('x', { action: 'uninstall' })], windows()))).toEqual([]);
    expect(buildOffer([candidate('x', { action: 'uninstall' })], windows([['x', 1]]))[0]).toMatchObject({ updateId: 'x', action: 'uninstall' });
  });

  it('puts prerequisites first, transitively, and survives a cycle', () => {
    const offer = buildOffer(
      [
        candidate('a', { title: 'A', prerequisites: ['c'] }),
        candidate('b', { title: 'B' }),
        candidate('c', { title: 'C', prerequisites: ['d'] }),
        candidate('d', { title: 'D' }),
      ],
      windows(),
    );
    expect(ids(offer)).toEqual(['d', 'c', 'a', 'b']);
    const cyclic = buildOffer([candidate('p', { prerequisites: ['q'] }), candidate('q', { prerequisites: ['p'] })], windows());
    expect(ids(cyclic).sort()).toEqual(['p', 'q']);
  });

  it('formats deadlines as ISO strings', () => {
    const deadline = new Date('2026-12-01T00:00:00Z');
    expect(buildOffer([candidate('a', { deadline, optional: true })], windows())[0]).toMatchObject({ deadline: '2026-12-01T00:00:00.000Z', optional: true });
  });
});

describe('compareOsVersions', () => {
  it.each([
    ['15', '15.0', 0],
    ['15.0', '15.0.1', -1],
    ['10.0.22631', '10.0.26100', -1],
    ['24.04', '22.04', 1],
    ['x.1', '0.1', 0],
  ])('%s vs %s → %i', (a, b, expected) => {
    expect(compareOsVersions(a, b)).toBe(expected);
  });
});

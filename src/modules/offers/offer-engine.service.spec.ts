import { GroupVersionParts, OfferVersionParts, OfferVersionsService } from '../offer-versions/offer-versions.service';
import { ComputerContextCache } from './computer-context.cache';
import { builtOffers, GroupOffer, GroupOfferCache } from './group-offer.cache';
import { OfferCandidate } from './offer-builder';
import { OfferEngine } from './offer-engine.service';
import { ComputerContext, ComputerFactsRecord, OffersRepository } from './offers.repository';

const candidate = (id: string, over: Partial<OfferCandidate> = {}): OfferCandidate => ({
  updateId: id,
  revision: 1,
  title: `Update ${id}`,
  kb: [],
  classification: 'security',
  severity: 'important',
  reboot: 'maybe',
  files: [{ name: `${id}.msu`, url: `https://upstream.example/${id}.msu`, sha256: `sha-${id}`, size: 10 }],
  applicability: { osFamily: ['windows'], arch: ['x64'] },
  supersedes: [],
  prerequisites: [],
  action: 'install',
  deadline: null,
  optional: false,
  ...over,
});

const ID_A = '00000000-0000-4000-8000-00000000000a';
const ID_B = '00000000-0000-4000-8000-00000000000b';
const ID_C = '00000000-0000-4000-8000-00000000000c';

const computer = (over: Partial<ComputerContext> = {}): ComputerContext => ({
  computerId: 'pc-1',
  groupId: 'g2',
  groupPath: ['g1', 'g2'],
  hostname: 'ws-1',
  osFamily: 'windows',
  osVersion: '10.0.26100',
  arch: 'x64',
  agentVersion: '1.0.0',
  installed: [],
  ...over,
});

const parts = (over: Partial<OfferVersionParts> = {}): OfferVersionParts => ({
  catalog: '1',
  tree: '2',
  settings: '3',
  computer: '4',
  groups: ['5', '6'],
  ...over,
});

/** Collaborators faked in memory: what Redis and PostgreSQL would hold, and a log of what was asked. */
function setUp(options: { cached?: ComputerContext | null; stored?: ComputerContext | null; approved?: OfferCandidate[] } = {}) {
  const calls: string[] = [];
  const state = {
    cached: options.cached === undefined ? computer() : options.cached,
    stored: options.stored === undefined ? computer() : options.stored,
    parts: parts(),
    approved: options.approved ?? [candidate(ID_A), candidate(ID_B, { action: 'uninstall' })],
  };
  const versions = {
    cachedContextWithParts: async (id: string, parse: (raw: string) => unknown) => {
      calls.push(`cachedContextWithParts ${id}`);
      return state.cached ? { context: parse(JSON.stringify(state.cached)), parts: state.parts } : null;
    },
    partsOf: async (id: string, groupPath: string[]) => {
      calls.push(`partsOf ${id} ${groupPath.join('/')}`);
      return state.parts;
    },
    groupPartsOf: async (groupPath: string[]): Promise<GroupVersionParts> => {
      calls.push(`groupPartsOf ${groupPath.join('/')}`);
      const { computer: _own, ...shared } = state.parts;
      return shared;
    },
    bumpComputers: async (ids: string[]) => {
      calls.push(`bumpComputers ${ids.join(',')}`);
      state.parts = { ...state.parts, computer: `${state.parts.computer}+` };
    },
  } as unknown as OfferVersionsService;
  const contexts = {
    get: async (id: string) => {
      calls.push(`contexts.get ${id}`);
      return state.stored;
    },
  } as unknown as ComputerContextCache;
  const groupKeys: string[] = [];
  const groupOffers = {
    get: async (key: string, groupPath: string[]): Promise<GroupOffer> => {
      calls.push(`groupOffers.get ${groupPath.join('/')}`);
      groupKeys.push(key);
      const offeredVia = (baseUrl: string) => state.approved.map((u) => ({ ...u, files: u.files.map((f) => ({ ...f, url: `${baseUrl}/${f.sha256}` })) }));
      return { approved: state.approved, checkInSeconds: 1800, contentMode: 'none', offeredVia, offerFor: builtOffers(state.approved, offeredVia) };
    },
  } as unknown as GroupOfferCache;
  const repository = {
    updateFacts: async (id: string, facts: ComputerFactsRecord) => {
      calls.push(`updateFacts ${id} ${facts.osVersion}`);
      state.stored = { ...state.stored!, ...facts };
      return true;
    },
  } as unknown as OffersRepository;
  return { engine: new OfferEngine(repository, contexts, groupOffers, versions), calls, state, groupKeys };
}

describe(OfferEngine.name, () => {
  describe('offerFor', () => {
    it('knows an unchanged computer and its version from one read of the versions store, nothing else', async () => {
      const { engine, calls } = setUp();
      const offer = await engine.offerFor('pc-1');
      expect(offer?.computer.groupPath).toEqual(['g1', 'g2']);
      expect(offer?.version.parts).toEqual(parts());
      expect(offer?.version.tag).toMatch(/^[\w-]{27}$/);
      expect(calls).toEqual(['cachedContextWithParts pc-1']);
    });

    it('loads the context and reads the versions when it is not cached', async () => {
      const { engine, calls } = setUp({ cached: null });
      const offer = await engine.offerFor('pc-1');
      expect(offer?.computer.computerId).toBe('pc-1');
      expect(calls).toEqual(['cachedContextWithParts pc-1', 'contexts.get pc-1', 'partsOf pc-1 g1/g2']);
    });

    it('answers null for a computer that is not registered', async () => {
      const { engine } = setUp({ cached: null, stored: null });
      await expect(engine.offerFor('pc-1')).resolves.toBeNull();
      await expect(engine.offersFile('pc-1', `sha-${ID_A}`)).resolves.toBe(false);
    });

    it('records changed facts, bumps the computer version and answers for the new facts', async () => {
      const { engine, calls } = setUp();
      const before = await engine.offerFor('pc-1');
      const offer = await engine.offerFor('pc-1', { facts: { osVersion: '10.0.26200', hostname: undefined } });
      expect(offer?.computer.osVersion).toBe('10.0.26200');
      expect(offer?.computer.hostname).toBe('ws-1');
      expect(offer?.version.parts.computer).toBe('4+');
      expect(offer?.version.tag).not.toBe(before?.version.tag);
      expect(calls.slice(2)).toEqual(['contexts.get pc-1', 'updateFacts pc-1 10.0.26200', 'bumpComputers pc-1', 'contexts.get pc-1', 'partsOf pc-1 g1/g2']);
    });

    it('records nothing when the reported facts are the ones it knows', async () => {
      const { engine, calls } = setUp();
      await engine.offerFor('pc-1', { facts: { osFamily: 'windows', arch: 'x64', hostname: 'ws-1' } });
      expect(calls).toEqual(['cachedContextWithParts pc-1']);
    });
  });

  describe('the version', () => {
    const tagOf = async (over: Partial<OfferVersionParts>, installed = [{ updateId: ID_A, revision: 1 }]) => {
      const { engine, state } = setUp();
      state.parts = parts(over);
      const offer = (await engine.offerFor('pc-1', { installed }))!;
      return { tag: offer.version.tag, groupTag: offer.version.groupTag };
    };

    it('changes when any named part changes', async () => {
      const base = await tagOf({});
      const changed = await Promise.all([
        tagOf({ catalog: '9' }),
        tagOf({ tree: '9' }),
        tagOf({ settings: '9' }),
        tagOf({ computer: '9' }),
        tagOf({ groups: ['5', '9'] }),
      ]);
      for (const version of changed) expect(version.tag).not.toBe(base.tag);
      expect(new Set(changed.map((v) => v.tag)).size).toBe(changed.length);
    });

    it('keeps the group tag when only the computer changes, and changes it with any shared part', async () => {
      const base = await tagOf({});
      expect((await tagOf({ computer: '9' })).groupTag).toBe(base.groupTag);
      for (const over of [{ catalog: '9' }, { tree: '9' }, { settings: '9' }, { groups: ['5', '9'] }]) {
        expect((await tagOf(over)).groupTag).not.toBe(base.groupTag);
      }
    });

    it('changes with the installed list the computer reports, whatever its order or letter case', async () => {
      const one = await tagOf({}, [{ updateId: ID_A, revision: 1 }, { updateId: ID_B, revision: 2 }]);
      const reordered = await tagOf({}, [{ updateId: ID_B.toUpperCase(), revision: 2 }, { updateId: ID_A, revision: 1 }]);
      const other = await tagOf({}, [{ updateId: ID_A, revision: 2 }, { updateId: ID_B, revision: 2 }]);
      const none = await tagOf({}, []);
      expect(reordered.tag).toBe(one.tag);
      expect(other.tag).not.toBe(one.tag);
      expect(none.tag).not.toBe(one.tag);
      expect(other.groupTag).toBe(one.groupTag);
    });

    it('is the same for a computer whether its context was cached or loaded', async () => {
      const warm = (await setUp().engine.offerFor('pc-1'))!.version.tag;
      const cold = (await setUp({ cached: null }).engine.offerFor('pc-1'))!.version.tag;
      expect(cold).toBe(warm);
    });
  });

  describe('resolve', () => {
    it('computes the offer from the group offer and what the computer has installed, recorded or reported', async () => {
      const approved = [
        candidate(ID_A, { revision: 2 }),
        candidate(ID_B, { action: 'uninstall' }),
        candidate(ID_C, { prerequisites: [ID_A], title: 'A first by title' }),
      ];
      const { engine, groupKeys } = setUp({ approved, cached: computer({ installed: [[ID_B, 1]] }) });
      const offer = (await engine.offerFor('pc-1', { installed: [{ updateId: ID_A.toUpperCase(), revision: 1 }] }))!;
      const { updates, checkInSeconds } = await offer.resolve();
      expect(updates.map((u) => [u.updateId, u.action])).toEqual([
        [ID_A, 'install'],
        [ID_C, 'install'],
        [ID_B, 'uninstall'],
      ]);
      expect(updates[0].files[0].url).toBe(`https://upstream.example/${ID_A}.msu`);
      expect(checkInSeconds).toBe(1800);
      expect(groupKeys).toEqual([offer.version.groupTag]);

      const reportedCurrent = (await engine.offerFor('pc-1', { installed: [{ updateId: ID_A, revision: 2 }] }))!;
      expect((await reportedCurrent.resolve()).updates.map((u) => u.updateId)).toEqual([ID_C, ID_B]);
    });

    it('points files at this server when asked with a base URL', async () => {
      const { engine } = setUp();
      const { updates } = await (await engine.offerFor('pc-1'))!.resolve({ baseUrl: 'https://patchgate.example' });
      expect(updates[0].files[0].url).toBe(`https://patchgate.example/sha-${ID_A}`);
    });

    it('does not compute the offer until asked', async () => {
      const { engine, calls } = setUp();
      await engine.offerFor('pc-1');
      expect(calls.some((c) => c.startsWith('groupOffers.get'))).toBe(false);
    });
  });

  describe('groupOffer', () => {
    it('shares the group offer entry computers of the path use, keyed by the same group version', async () => {
      const { engine, groupKeys } = setUp();
      const group = await engine.groupOffer(['g1', 'g2']);
      const offer = (await engine.offerFor('pc-1'))!;
      await offer.resolve();
      expect(group.version.tag).toBe(offer.version.groupTag);
      expect(group.version.parts).toEqual({ catalog: '1', tree: '2', settings: '3', groups: ['5', '6'] });
      expect(group.approved.map((u) => u.updateId)).toEqual([ID_A, ID_B]);
      expect(groupKeys).toEqual([group.version.tag, group.version.tag]);
    });

    it('gives another path another version even with the same version values', async () => {
      const { engine } = setUp();
      expect((await engine.groupVersionOf(['g1', 'g3'])).tag).not.toBe((await engine.groupVersionOf(['g1', 'g2'])).tag);
    });
  });

  describe('offersFile', () => {
    it('is true only for a file of an install the computer is offered', async () => {
      const approved = [candidate(ID_A), candidate(ID_B, { action: 'uninstall' }), candidate(ID_C, { applicability: { osFamily: ['linux'], arch: ['x64'] } })];
      const { engine } = setUp({ approved, cached: computer({ installed: [[ID_B, 1]] }) });
      await expect(engine.offersFile('pc-1', `sha-${ID_A}`)).resolves.toBe(true);
      await expect(engine.offersFile('pc-1', `sha-${ID_B}`)).resolves.toBe(false);
      await expect(engine.offersFile('pc-1', `sha-${ID_C}`)).resolves.toBe(false);
      await expect(engine.offersFile('pc-1', 'sha-unknown')).resolves.toBe(false);
    });

    it('is false once the computer has the update installed', async () => {
      const { engine } = setUp({ cached: computer({ installed: [[ID_A, 1]] }) });
      await expect(engine.offersFile('pc-1', `sha-${ID_A}`)).resolves.toBe(false);
    });
  });
});

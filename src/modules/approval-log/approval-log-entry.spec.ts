import { createHash } from 'node:crypto';
import { canonicalEntry, entryHash, GENESIS_HASH, HashedFields } from './approval-log-entry';

const entry: HashedFields = {
  seq: 7,
  at: new Date('2026-11-22T03:04:05.678Z'),
  actorType: 'user',
  actorId: '0B4D6F0E-1111-4222-8333-444444444444',
  actorName: 'alice',
  actorRole: 'approver',
  updateId: 'AAAAAAAA-1111-4222-8333-444444444444',
  revision: 3,
  groupId: null,
  previousDecision: 'none',
  newDecision: 'decline',
  status: null,
  deadline: null,
  optional: false,
  reason: 'recalled',
  source: 'manual',
  ruleId: null,
};

describe('approval log entry format', () => {
  it('is RFC 8785 JSON with every field present, uuids lower-cased and times in ISO 8601 with milliseconds', () => {
    expect(canonicalEntry(entry)).toBe(
      '{"actorId":"0B4D6F0E-1111-4222-8333-444444444444","actorName":"alice","actorRole":"approver","actorType":"user",' +
        '"at":"2026-11-22T03:04:05.678Z","deadline":null,"groupId":null,"newDecision":"decline","optional":false,' +
        '"previousDecision":"none","reason":"recalled","revision":3,"ruleId":null,"seq":7,"source":"manual","status":null,' +
        '"updateId":"aaaaaaaa-1111-4222-8333-444444444444"}',
    );
  });

  it('hashes sha256(prevHash ‖ canonical entry) as hex', () => {
    const expected = createHash('sha256').update(GENESIS_HASH + canonicalEntry(entry)).digest('hex');
    expect(entryHash(GENESIS_HASH, entry)).toBe(expected);
    expect(entryHash('1'.repeat(64), entry)).not.toBe(expected);
  });

  it('any changed field changes the hash', () => {
    const base = entryHash(GENESIS_HASH, entry);
    expect(entryHash(GENESIS_HASH, { ...entry, reason: 'recalled.' })).not.toBe(base);
    expect(entryHash(GENESIS_HASH, { ...entry, at: new Date(entry.at.getTime() + 1) })).not.toBe(base);
    expect(entryHash(GENESIS_HASH, { ...entry, optional: true })).not.toBe(base);
  });

  it('hashes text as PostgreSQL stores it: a lone surrogate as U+FFFD', () => {
    expect(entryHash(GENESIS_HASH, { ...entry, reason: 'a\uD800b' })).toBe(entryHash(GENESIS_HASH, { ...entry, reason: 'a\uFFFDb' }));
  });
});

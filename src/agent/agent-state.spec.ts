import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyState, NotRegisteredError, StateDir } from './agent-state';

describe(StateDir.name, () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'pg-state-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('keeps the state private: dir 0700, files 0600', () => {
    const dir = new StateDir(join(root, 'agent'));
    dir.writeState({ ...emptyState(), lastSeq: 4 });
    expect(statSync(dir.dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir.dir, 'state.json')).mode & 0o777).toBe(0o600);
    expect(dir.readState().lastSeq).toBe(4);
  });

  it('answers an empty state before the first save, and says when there is no registration', () => {
    const dir = new StateDir(join(root, 'none'));
    expect(dir.readState()).toEqual(emptyState());
    expect(() => dir.readRegistration()).toThrow(NotRegisteredError);
  });

  it('keeps only the last errors and actions', () => {
    const dir = new StateDir(join(root, 'agent'));
    const state = emptyState();
    for (let i = 0; i < 50; i++) state.lastErrors.push({ at: String(i), code: 'x', message: String(i) });
    dir.writeState(state);
    expect(dir.readState().lastErrors).toHaveLength(20);
    expect(dir.readState().lastErrors.at(-1)!.message).toBe('49');
  });
});

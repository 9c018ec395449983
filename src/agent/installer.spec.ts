import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderCommand, runCommand, shellQuote } from './installer';

describe(runCommand.name, () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pg-inst-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('puts the file path in as one shell word, whatever characters it holds', async () => {
    const file = join(dir, "it's a file; rm -rf x.msu");
    writeFileSync(file, 'payload');
    const result = await runCommand(`cat {file} > '${dir}/out'`, { file, updateId: 'u', revision: 1, kb: [] });
    expect(result).toMatchObject({ ok: true, exitCode: 0, dryRun: false });
    expect(readFileSync(join(dir, 'out'), 'utf8')).toBe('payload');
  });

  it('answers the exit code of a failing command, with its output', async () => {
    const result = await runCommand('echo broken >&2; exit 3', { updateId: 'u', revision: 1, kb: [] });
    expect(result).toMatchObject({ ok: false, exitCode: 3 });
    expect(result.output).toContain('broken');
  });

  it('without a command, runs nothing and counts as success (dry run)', async () => {
    expect(await runCommand(undefined, { file: '/x', updateId: 'u', revision: 1, kb: [] })).toMatchObject({ ok: true, dryRun: true });
  });

  it('fills in {updateId}, {revision} and {kb}', () => {
    expect(renderCommand('x {updateId} {revision} {kb}', { updateId: 'abc', revision: 4, kb: ['KB1', 'KB2'] })).toBe("x 'abc' '4' 'KB1,KB2'");
  });

  it('replaces in one pass: a value holding a placeholder cannot break out of its quotes', async () => {
    const kb = ["'; echo INJECTED > '" + join(dir, 'pwned') + "'; '"];
    const file = join(dir, 'update-{kb}.msu');
    writeFileSync(file, 'payload');
    const rendered = renderCommand('cat {file} {kb}', { file, updateId: 'u', revision: 1, kb });
    expect(rendered).toBe(`cat ${shellQuote(file)} ${shellQuote(kb[0])}`);
    await runCommand(`cat {file} > '${dir}/out'; : {kb}`, { file, updateId: 'u', revision: 1, kb });
    expect(readFileSync(join(dir, 'out'), 'utf8')).toBe('payload');
    expect(() => readFileSync(join(dir, 'pwned'))).toThrow();
  });
});

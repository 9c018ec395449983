import { PublishedBinary, SuiteContent } from '../publication/release-builder';
import { checkInstallable } from './apt-dependency-check';

const binary = (name: string, version: string, depends?: string): PublishedBinary => ({
  package: name,
  version,
  architecture: 'amd64',
  stanza: `Package: ${name}\nVersion: ${version}\nArchitecture: amd64\n${depends ? `Depends: ${depends}\n` : ''}Filename: pool/${'0'.repeat(64)}/${name}_${version}_amd64.deb\nSize: 1000\nSHA256: ${'1'.repeat(64)}\nDescription: ${name}\n`,
});

const suite = (name: string, binaries: PublishedBinary[]): SuiteContent => ({
  suite: name,
  codename: name,
  origin: 'Patchgate',
  label: 'Patchgate debian bookworm',
  architectures: ['amd64'],
  components: new Map([['main', binaries]]),
});

describe('checkInstallable (the real apt, in a root of its own)', () => {
  const baseline = suite('bookworm', [binary('libbar1', '1.0-1'), binary('hello', '1.0-1', 'libbar1 (>= 1.0)')]);

  it('names the dependency an approval still needs, and passes once it is approved too', async () => {
    const lonely = await checkInstallable([baseline, suite('bookworm-approved', [binary('hello', '2.0-1', 'libbar1 (>= 2.0)')])], ['hello=2.0-1'], 'amd64');
    expect(lonely.installable).toBe(false);
    expect(lonely.unmet.join('\n')).toMatch(/hello : Depends: libbar1 \(>= 2\.0\) but it is not going to be installed/);

    const together = await checkInstallable(
      [baseline, suite('bookworm-approved', [binary('hello', '2.0-1', 'libbar1 (>= 2.0)'), binary('libbar1', '2.0-1')])],
      ['hello=2.0-1'],
      'amd64',
    );
    expect(together).toEqual({ installable: true, unmet: [] });
  });

  it('says so when the version is not in the candidate publication at all', async () => {
    const missing = await checkInstallable([baseline], ['hello=3.0-1'], 'amd64');
    expect(missing.installable).toBe(false);
    expect(missing.unmet.join('\n')).toMatch(/Version '3\.0-1' for 'hello' was not found/);
  });
});

import { aptInstallState, inventoryLookup } from './apt-install-state';

describe('aptInstallState', () => {
  const openssl = [
    { package: 'openssl', architecture: 'amd64', version: '3.0.15-1~deb12u1' },
    { package: 'libssl3', architecture: 'amd64', version: '3.0.15-1~deb12u1' },
    { package: 'libssl-doc', architecture: 'all', version: '3.0.15-1~deb12u1' },
    { package: 'libssl3', architecture: 'arm64', version: '3.0.15-1~deb12u1' },
  ];

  it('is installed when every installed binary of the source is at that version or newer', () => {
    const machine = inventoryLookup([
      { name: 'openssl', arch: 'amd64', version: '3.0.15-1~deb12u1' },
      { name: 'libssl3', arch: 'amd64', version: '3.0.16-1~deb12u1' },
    ]);
    expect(aptInstallState(openssl, machine, 'amd64')).toBe('installed');
  });

  it('is needed when one installed binary is older, even if others are current', () => {
    const machine = inventoryLookup([
      { name: 'openssl', arch: 'amd64', version: '3.0.15-1~deb12u1' },
      { name: 'libssl3', arch: 'amd64', version: '3.0.14-1~deb12u2' },
    ]);
    expect(aptInstallState(openssl, machine, 'amd64')).toBe('needed');
    expect(aptInstallState(openssl, inventoryLookup([{ name: 'libssl-doc', arch: 'all', version: '3.0.11-1~deb12u2' }]), 'amd64')).toBe('needed');
  });

  it('is not applicable when none of its binaries is installed (other architectures do not count)', () => {
    expect(aptInstallState(openssl, inventoryLookup([{ name: 'libssl3', arch: 'arm64', version: '1.0' }]), 'amd64')).toBe('not_applicable');
    expect(aptInstallState(openssl, inventoryLookup([]), 'amd64')).toBe('not_applicable');
  });
});

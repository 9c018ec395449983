#!/usr/bin/env node
/**
 * Records, in package-lock.json, the other platforms' builds of native packages (swc, jest's
 * resolver, msgpackr) that `npm install` left out because the registry this project is developed
 * against serves only this platform's builds. `npm ci` insists on every optional dependency
 * being in the lock; on install it skips those whose os/cpu/libc do not match the machine, so the
 * entries below are never fetched here. Run after `npm install` changes the lock:
 *   node scripts/lockfile/complete-optional-platforms.mjs
 */
import { readFileSync, writeFileSync } from 'node:fs';

const OS = ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openharmony'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64'];
const LIBC = { gnu: 'glibc', gnueabihf: 'glibc', musl: 'musl', musleabihf: 'musl' };

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((part) => OS.includes(part));
  const cpu = parts.find((part) => CPU.includes(part));
  const libc = parts.map((part) => LIBC[part]).find(Boolean);
  if (!os || !cpu) return undefined;
  return { os: [os], cpu: [cpu], ...(libc ? { libc: [libc] } : {}) };
}

const path = new URL('../../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const added = [];
for (const [location, entry] of Object.entries(lock.packages)) {
  for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key] || lock.packages[`${location}/${key}`]) continue;
    const platform = platformOf(name);
    if (!platform) continue;
    lock.packages[key] = { version: spec.replace(/^[\^~=]/, ''), ...platform, optional: true, ...(entry.dev ? { dev: true } : {}) };
    added.push(name);
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added.length ? `recorded ${added.length} other-platform optional packages` : 'lock already complete');

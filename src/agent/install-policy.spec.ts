import { decide, inQuietHours, InstallPolicy, parseQuietHours } from './install-policy';

const at = (hour: number) => new Date(2026, 10, 22, hour, 30);
const update = (extra: Partial<{ action: string; optional: boolean; deadline: string | null }> = {}) => ({ action: 'install', optional: false, deadline: null, ...extra });

describe('install policy', () => {
  it('parses HH-HH, wrapping past midnight, and refuses anything else', () => {
    expect(parseQuietHours('22-06')).toEqual({ start: 22, end: 6 });
    expect(parseQuietHours('1-5')).toEqual({ start: 1, end: 5 });
    for (const bad of ['', '22', '22-22', '24-06', '22:00-06:00', '-1-5', 'x-y', '1-5-7']) expect(() => parseQuietHours(bad)).toThrow(/--quiet-hours must be HH-HH/);
  });

  it('tells local hours inside from outside, end excluded', () => {
    const night = parseQuietHours('22-06');
    expect([21, 22, 23, 0, 5, 6, 12].map((h) => inQuietHours(night, at(h)))).toEqual([false, true, true, true, true, false, false]);
    const early = parseQuietHours('1-5');
    expect([0, 1, 4, 5].map((h) => inQuietHours(early, at(h)))).toEqual([false, true, true, false]);
  });

  it('installs optional updates only when asked to, whatever the deadline', () => {
    const policy: InstallPolicy = { includeOptional: false, quietHours: null };
    expect(decide(update({ optional: true }), policy, at(12))).toBe('skip_optional');
    expect(decide(update({ optional: true, deadline: at(1).toISOString() }), policy, at(12))).toBe('skip_optional');
    expect(decide(update({ optional: true }), { ...policy, includeOptional: true }, at(12))).toBe('act');
    expect(decide(update(), policy, at(12))).toBe('act');
  });

  it('waits for the quiet hours unless the deadline has passed', () => {
    const policy: InstallPolicy = { includeOptional: false, quietHours: parseQuietHours('22-06') };
    expect(decide(update(), policy, at(12))).toBe('wait_for_quiet_hours');
    expect(decide(update({ action: 'uninstall' }), policy, at(12))).toBe('wait_for_quiet_hours');
    expect(decide(update({ deadline: at(13).toISOString() }), policy, at(12))).toBe('wait_for_quiet_hours');
    expect(decide(update({ deadline: at(11).toISOString() }), policy, at(12))).toBe('act');
    expect(decide(update({ action: 'uninstall', deadline: at(11).toISOString() }), policy, at(12))).toBe('act');
    expect(decide(update(), policy, at(23))).toBe('act');
  });
});

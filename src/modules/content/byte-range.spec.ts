import { parseByteRange } from './byte-range';

describe(parseByteRange.name, () => {
  it('answers null for no header, other units, several ranges and malformed values', () => {
    expect(parseByteRange(undefined, 100)).toBeNull();
    expect(parseByteRange('items=0-10', 100)).toBeNull();
    expect(parseByteRange('bytes=0-10,20-30', 100)).toBeNull();
    expect(parseByteRange('bytes=-', 100)).toBeNull();
    expect(parseByteRange('bytes=10-5', 100)).toBeNull();
    expect(parseByteRange('bytes=abc', 100)).toBeNull();
  });

  it('reads a closed range, clamping its end to the file', () => {
    expect(parseByteRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseByteRange('bytes=90-200', 100)).toEqual({ start: 90, end: 99 });
  });

  it('reads an open range and a suffix range', () => {
    expect(parseByteRange('bytes=40-', 100)).toEqual({ start: 40, end: 99 });
    expect(parseByteRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseByteRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
  });

  it('answers unsatisfiable for a range starting at or beyond the end', () => {
    expect(parseByteRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=150-160', 100)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=-0', 100)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=0-', 0)).toBe('unsatisfiable');
  });
});

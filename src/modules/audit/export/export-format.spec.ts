import { Readable } from 'node:stream';
import { csvCell, csvEncoder } from './export-format';

describe('csvCell', () => {
  it.each([
    ['=SUM(A1)', "'=SUM(A1)"],
    ['+1', "'+1"],
    ['-2', "'-2"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['plain', 'plain'],
    ['a=b', 'a=b'],
  ])('neutralises a formula start: %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('writes numbers as numbers, nulls as empty cells, objects as JSON', () => {
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
    expect(csvCell({ a: 1 })).toBe('{"a":1}');
    expect(csvCell(new Date('2026-01-02T03:04:05.000Z'))).toBe('2026-01-02T03:04:05.000Z');
  });
});

describe('csvEncoder', () => {
  it('writes a header and quotes quotes, commas and newlines', async () => {
    const [cells, csv] = csvEncoder(['a', 'b']);
    Readable.from([{ a: 'say "hi", twice', b: 'line\nbreak' }]).pipe(cells).pipe(csv);
    let text = '';
    for await (const chunk of csv) text += String(chunk);
    expect(text).toBe('a,b\n"say ""hi"", twice","line\nbreak"\n');
  });
});

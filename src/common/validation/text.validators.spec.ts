import { BadRequestException } from '@nestjs/common';
import { createValidationPipe } from '../http/validation.pipe';
import { ApprovalLogQueryDto } from '../../modules/audit/dto/approval-log-query.dto';
import { isTimestamp } from './text.validators';

describe('isTimestamp', () => {
  it.each(['2026-01-15T18:00:00Z', '2026-01-15T18:00:00.123456Z', '2026-01-15T18:00:00+02:00', '2026-01-15T18:00:00-0530', '2026-01-15T18:00Z'])('accepts %s', (value) => {
    expect(isTimestamp(value)).toBe(true);
  });

  it.each(['2026-01-15', '2026-01-15T18:00:00', '2026-02-30T18:00:00Z', 'Z', '', `2026-01-15T18:00:00${'0'.repeat(60)}Z`])('refuses %j', (value) => {
    expect(isTimestamp(value)).toBe(false);
  });

  it('refuses 40,000 characters without a regex seeing them (once quadratic: a second per field)', () => {
    const tested: number[] = [];
    const original = RegExp.prototype.exec;
    RegExp.prototype.exec = function (this: RegExp, input: string) {
      tested.push(String(input).length);
      return original.call(this, input);
    };
    try {
      expect(isTimestamp(`2026-01-15${'T'.repeat(40_000)}`)).toBe(false);
    } finally {
      RegExp.prototype.exec = original;
    }
    expect(tested).toEqual([]);
  });

  it('a 40,000-character query value is a 400 naming the field and its cap', async () => {
    const refusal = await createValidationPipe()
      .transform({ from: 'T'.repeat(40_000) }, { type: 'query', metatype: ApprovalLogQueryDto })
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(BadRequestException);
    expect((refusal as BadRequestException).getResponse()).toMatchObject({ errors: [{ field: 'from', message: 'from must be at most 64 characters long' }] });
  });
});

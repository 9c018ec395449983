import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { createValidationPipe } from '../../../common/http/validation.pipe';
import { oversizedStrings } from '../../../common/validation/string-caps';
import { StatusReportDto } from './status-report.dto';

/** What the rules say of a body: ContractValidationPipe's checks without the precheck. */
function byTheRules(body: unknown): { valid: boolean; instance: StatusReportDto } {
  const instance = plainToInstance(StatusReportDto, body);
  // class-validator refuses a value that is not an object (the pipe answers 400 for it)
  if (typeof instance !== 'object' || instance === null || Array.isArray(instance)) return { valid: false, instance };
  const errors = oversizedStrings(instance).length ? ['oversized'] : validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  return { valid: errors.length === 0, instance };
}

const EVENT = {
  updateId: '3B8A1E2C-4D5F-4A6B-8C7D-9E0F1A2B3C4D',
  revision: 3,
  state: 'installed',
  occurredAt: '2026-11-22T10:00:00.123456+05:30',
  seq: 7,
};
const report = (...events: unknown[]) => ({ events });

const VALID: unknown[] = [
  report(EVENT),
  report(EVENT, { ...EVENT, state: 'failed', errorCode: '0x80240022', message: 'line one\n\tline two' }),
  report({ ...EVENT, state: 'downloaded', errorCode: 'download_failed', message: null }),
  report({ ...EVENT, revision: 2_147_483_647, seq: Number.MAX_SAFE_INTEGER, occurredAt: '0001-01-01T00:00:00Z' }),
  report({ ...EVENT, message: 'x'.repeat(2000) }),
  report(...Array.from({ length: 1000 }, (_, i) => ({ ...EVENT, seq: i }))),
];

const INVALID: unknown[] = [
  null,
  [],
  'events',
  {},
  report(),
  { ...report(EVENT), extra: 1 },
  report(...Array.from({ length: 1001 }, () => EVENT)),
  report({ ...EVENT, extra: true }),
  report({ ...EVENT, updateId: 'not-an-id' }),
  report({ ...EVENT, updateId: `${EVENT.updateId}0` }),
  report({ ...EVENT, updateId: 42 }),
  report({ ...EVENT, revision: 0 }),
  report({ ...EVENT, revision: 1.5 }),
  report({ ...EVENT, revision: '3' }),
  report({ ...EVENT, revision: 2_147_483_648 }),
  report({ ...EVENT, state: 'needed' }),
  report({ ...EVENT, state: 'failed' }),
  report({ ...EVENT, errorCode: null }),
  report({ ...EVENT, errorCode: 'has space' }),
  report({ ...EVENT, errorCode: 'x'.repeat(65) }),
  report({ ...EVENT, message: 'nul\u0000byte' }),
  report({ ...EVENT, message: 'x'.repeat(2001) }),
  report({ ...EVENT, message: 5 }),
  report({ ...EVENT, occurredAt: '2026-02-30T10:00:00Z' }),
  report({ ...EVENT, occurredAt: '2026-11-22T10:00:00' }),
  report({ ...EVENT, occurredAt: undefined }),
  report({ ...EVENT, seq: -1 }),
  report({ ...EVENT, seq: Number.MAX_SAFE_INTEGER + 2 }),
  report({ ...EVENT, seq: undefined }),
  report(EVENT, 'not an event'),
  report(EVENT, null),
];

describe('StatusReportDto.precheck', () => {
  it.each(VALID.map((body, i) => [i, body]))('accepts valid body %i exactly as class-transformer makes it', (_, body) => {
    const rules = byTheRules(body);
    expect(rules.valid).toBe(true);
    const prechecked = StatusReportDto.precheck(body);
    expect(prechecked).toBeInstanceOf(StatusReportDto);
    expect(prechecked).toEqual(rules.instance);
    expect(prechecked!.events[0].updateId).toBe(EVENT.updateId.toLowerCase());
  });

  it.each(INVALID.map((body, i) => [i, body]))('leaves invalid body %i to the rules, which refuse it', (_, body) => {
    expect(StatusReportDto.precheck(body)).toBeNull();
    expect(byTheRules(body).valid).toBe(false);
  });

  it('is what the validation pipe answers with for a valid body, and an invalid one still gets the rules’ errors', async () => {
    const pipe = createValidationPipe();
    const body = report(EVENT);
    expect(await pipe.transform(body, { type: 'body', metatype: StatusReportDto })).toEqual(StatusReportDto.precheck(body));
    await expect(pipe.transform(report({ ...EVENT, seq: -1 }), { type: 'body', metatype: StatusReportDto })).rejects.toMatchObject({
      response: { code: 'validation_failed', errors: [{ field: 'events.0.seq', message: 'seq must not be less than 0' }] },
    });
  });
});

import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { createValidationPipe } from '../../../common/http/validation.pipe';
import { oversizedStrings } from '../../../common/validation/string-caps';
import { CheckInDto, DpkgPackageDto, InstalledUpdateDto, InventoryDto, ReportedOsDto } from './check-in.dto';

/** What the rules say of a body: ContractValidationPipe's checks without the precheck. */
function byTheRules(body: unknown): { valid: boolean; instance: CheckInDto } {
  const instance = plainToInstance(CheckInDto, body);
  // class-validator refuses a value that is not an object (the pipe answers 400 for it)
  if (typeof instance !== 'object' || instance === null || Array.isArray(instance)) return { valid: false, instance };
  const errors = oversizedStrings(instance).length ? ['oversized'] : validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  return { valid: errors.length === 0, instance };
}

const UPDATE = { updateId: '3B8A1E2C-4D5F-4A6B-8C7D-9E0F1A2B3C4D', revision: 3 };
const PACKAGE = { name: 'libssl3', version: '3.0.15-1~deb12u1', arch: 'amd64' };
const INVENTORY = { hostname: 'pc-0042', os: { family: 'windows', version: '10.0.26100' }, arch: 'x64', agentVersion: '1.4.2' };

const VALID: unknown[] = [
  {},
  { nonce: 'abcdefgh12345678' },
  { nonce: null, installed: null, inventory: null },
  { nonce: 'A+/=_-'.repeat(21).slice(0, 128) },
  { installed: [] },
  { installed: [UPDATE, { updateId: UPDATE.updateId.toLowerCase(), revision: 2_147_483_647 }] },
  { installed: Array.from({ length: 5000 }, (_, i) => ({ ...UPDATE, revision: i + 1 })) },
  { inventory: {} },
  { inventory: INVENTORY },
  { inventory: { hostname: null, os: null, arch: null, agentVersion: null, packages: null } },
  { inventory: { hostname: 'h'.repeat(255), agentVersion: 'v'.repeat(64), packages: [] } },
  { inventory: { ...INVENTORY, packages: [PACKAGE, { name: 'a', version: '1:2.3+dfsg-4', arch: 'all' }] } },
  { nonce: 'abcdefgh12345678', installed: [UPDATE], inventory: { ...INVENTORY, packages: [PACKAGE] } },
];

const INVALID: unknown[] = [
  null,
  [],
  'checkin',
  { extra: 1 },
  { access_token: 'pgc_x' },
  { nonce: 'short' },
  { nonce: 'x'.repeat(129) },
  { nonce: 'has space!' },
  { nonce: 12345678 },
  { installed: {} },
  { installed: 'all' },
  { installed: [null] },
  { installed: ['3b8a1e2c-4d5f-4a6b-8c7d-9e0f1a2b3c4d'] },
  { installed: [{ ...UPDATE, extra: true }] },
  { installed: [{ ...UPDATE, updateId: 'not-an-id' }] },
  { installed: [{ ...UPDATE, updateId: `${UPDATE.updateId}0` }] },
  { installed: [{ ...UPDATE, updateId: 42 }] },
  { installed: [{ updateId: UPDATE.updateId }] },
  { installed: [{ ...UPDATE, revision: 0 }] },
  { installed: [{ ...UPDATE, revision: 1.5 }] },
  { installed: [{ ...UPDATE, revision: '3' }] },
  { installed: [{ ...UPDATE, revision: 2_147_483_648 }] },
  { installed: Array.from({ length: 5001 }, () => UPDATE) },
  { inventory: 'pc' },
  { inventory: { ...INVENTORY, extra: 1 } },
  { inventory: { hostname: 42 } },
  { inventory: { hostname: 'h'.repeat(256) } },
  { inventory: { os: { family: 'windows' } } },
  { inventory: { os: { family: 'Windows', version: '10' } } },
  { inventory: { os: { family: 'windows', version: '10 0' } } },
  { inventory: { os: { family: 'windows', version: '10', build: 1 } } },
  { inventory: { os: 'windows' } },
  { inventory: { arch: 'X64' } },
  { inventory: { arch: 'a'.repeat(17) } },
  { inventory: { agentVersion: 'v'.repeat(65) } },
  { inventory: { agentVersion: 1 } },
  { inventory: { packages: {} } },
  { inventory: { packages: [{ ...PACKAGE, name: 'LibSSL' }] } },
  { inventory: { packages: [{ ...PACKAGE, version: 'has space' }] } },
  { inventory: { packages: [{ ...PACKAGE, arch: 'amd64!' }] } },
  { inventory: { packages: [{ ...PACKAGE, extra: 1 }] } },
  { inventory: { packages: [{ name: 'libssl3', version: '3' }] } },
  { inventory: { packages: [PACKAGE, null] } },
  { inventory: { packages: Array.from({ length: 20_001 }, () => PACKAGE) } },
];

describe('CheckInDto.precheck', () => {
  it.each(VALID.map((body, i) => [i, body]))('accepts valid body %i exactly as class-transformer makes it', (_, body) => {
    const rules = byTheRules(body);
    expect(rules.valid).toBe(true);
    const prechecked = CheckInDto.precheck(body);
    expect(prechecked).toStrictEqual(rules.instance);
  });

  it('makes the nested DTOs, with update ids lowercased as the catalog stores them', () => {
    const prechecked = CheckInDto.precheck({ installed: [UPDATE], inventory: { ...INVENTORY, packages: [PACKAGE] } })!;
    expect(prechecked).toBeInstanceOf(CheckInDto);
    expect(prechecked.installed![0]).toBeInstanceOf(InstalledUpdateDto);
    expect(prechecked.installed![0].updateId).toBe(UPDATE.updateId.toLowerCase());
    expect(prechecked.inventory).toBeInstanceOf(InventoryDto);
    expect(prechecked.inventory!.os).toBeInstanceOf(ReportedOsDto);
    expect(prechecked.inventory!.packages![0]).toBeInstanceOf(DpkgPackageDto);
  });

  it.each(INVALID.map((body, i) => [i, body]))('leaves invalid body %i to the rules, which refuse it', (_, body) => {
    expect(CheckInDto.precheck(body)).toBeNull();
    expect(byTheRules(body).valid).toBe(false);
  });

  it('is what the validation pipe answers with for a valid body, and an invalid one still gets the rules’ errors', async () => {
    const pipe = createValidationPipe();
    const body = { nonce: 'abcdefgh12345678', installed: [UPDATE] };
    expect(await pipe.transform(body, { type: 'body', metatype: CheckInDto })).toStrictEqual(CheckInDto.precheck(body));
    await expect(pipe.transform({ installed: [{ ...UPDATE, revision: 0 }] }, { type: 'body', metatype: CheckInDto })).rejects.toMatchObject({
      response: { code: 'validation_failed', errors: [{ field: 'installed.0.revision', message: 'revision must not be less than 1' }] },
    });
  });
});

import { Strategy } from 'passport-http-bearer';
import { basicCredentials, bearerToken, CREDENTIAL_EXTRACTORS, CredentialSource } from './computer-credentials';

/** The token passport-http-bearer would hand to the verify callback, or null when it refuses the request. */
function passportToken(request: CredentialSource): string | null {
  let seen: string | null = null;
  const strategy = new Strategy((token: string, done: (error: null, user: object) => void) => {
    seen = token;
    done(null, {});
  });
  Object.assign(strategy, { success: () => undefined, fail: () => undefined, error: () => undefined });
  strategy.authenticate(request as never);
  return seen;
}

describe(bearerToken.name, () => {
  const headerCases: [string, CredentialSource][] = [
    ['a bearer header', { headers: { authorization: 'Bearer pgc_abc' } }],
    ['the scheme in any case', { headers: { authorization: 'bEaReR pgc_abc' } }],
    ['another scheme', { headers: { authorization: 'Basic pgc_abc' } }],
    ['a header of three words', { headers: { authorization: 'Bearer pgc_abc extra' } }],
    ['a header of one word', { headers: { authorization: 'pgc_abc' } }],
    ['no header', { headers: {} }],
    ['an empty header', { headers: { authorization: '' } }],
    ['an empty body token', { headers: { authorization: 'Bearer pgc_abc' }, body: { access_token: '' } }],
    ['a string body', { headers: { authorization: 'Bearer pgc_abc' }, body: 'access_token' }],
    ['a null body', { headers: { authorization: 'Bearer pgc_abc' }, body: null }],
  ];

  it.each(headerCases)('reads the header as passport-http-bearer does: %s', (_name, request) => {
    expect(bearerToken(request)).toBe(passportToken(request));
  });

  // Issue 18 item 15: tokens in URLs and bodies end up in logs; passport-http-bearer accepts them, Patchgate does not.
  it.each([
    ['a token in the body', { headers: {}, body: { access_token: 'pgc_body' } }],
    ['a token in the query', { headers: {}, query: { access_token: 'pgc_query' } }],
    ['a header and a body token', { headers: { authorization: 'Bearer pgc_abc' }, body: { access_token: 'pgc_body' } }],
    ['a header and a query token', { headers: { authorization: 'Bearer pgc_abc' }, query: { access_token: 'pgc_query' } }],
    ['a body and a query token', { headers: {}, body: { access_token: 'pgc_body' }, query: { access_token: 'pgc_query' } }],
    ['another scheme and a body token', { headers: { authorization: 'Basic x' }, body: { access_token: 'pgc_body' } }],
  ] as [string, CredentialSource][])('refuses access_token outside the header: %s', (_name, request) => {
    expect(bearerToken(request)).toBeNull();
  });

  it('passport-http-bearer would have taken a query token (what this refusal changes)', () => {
    expect(passportToken({ headers: {}, query: { access_token: 'pgc_query' } })).toBe('pgc_query');
  });

  it('reads the header token', () => {
    expect(bearerToken({ headers: { authorization: 'Bearer pgc_abc' } })).toBe('pgc_abc');
  });
});

describe(basicCredentials.name, () => {
  const basic = (userPass: string) => ({ headers: { authorization: `Basic ${Buffer.from(userPass).toString('base64')}` } });
  const computerId = '0b7e5e2c-4d1f-4a7e-9c1e-2f0a9d6b1c3e';

  it('reads the computer id as login and the token as password', () => {
    expect(basicCredentials(basic(`${computerId}:pgc_abc`))).toEqual({ computerId, token: 'pgc_abc' });
  });

  it('keeps a colon in the password (only the first one separates)', () => {
    expect(basicCredentials(basic(`${computerId}:pgc_a:b`))).toEqual({ computerId, token: 'pgc_a:b' });
  });

  it('takes the scheme in any case', () => {
    const { headers } = basic(`${computerId}:pgc_abc`);
    expect(basicCredentials({ headers: { authorization: headers.authorization.replace('Basic', 'bAsIc') } })).toEqual({ computerId, token: 'pgc_abc' });
  });

  it.each([
    ['no header', { headers: {} }],
    ['a bearer header', { headers: { authorization: 'Bearer pgc_abc' } }],
    ['no colon', basic(`${computerId}pgc_abc`)],
    ['an empty login', basic(':pgc_abc')],
    ['an empty password', basic(`${computerId}:`)],
    ['not base64', { headers: { authorization: 'Basic !!!' } }],
    ['an oversized header', basic(`${computerId}:pgc_${'a'.repeat(2000)}`)],
    ['a token only in the body', { headers: {}, body: { access_token: 'pgc_abc' } }],
  ])('finds nothing in %s', (_name, request) => {
    expect(basicCredentials(request)).toBeNull();
  });
});

describe('CREDENTIAL_EXTRACTORS', () => {
  it('bearer: the bearer token, no challenge', () => {
    expect(CREDENTIAL_EXTRACTORS.bearer.extract({ headers: { authorization: 'Bearer pgc_abc' } })).toEqual({ token: 'pgc_abc' });
    expect(CREDENTIAL_EXTRACTORS.bearer.extract({ headers: {} })).toBeNull();
    expect(CREDENTIAL_EXTRACTORS.bearer.challenge).toBeUndefined();
  });

  it('basic: login and password, challenged with the patchgate realm', () => {
    const authorization = `Basic ${Buffer.from('pc:pgc_abc').toString('base64')}`;
    expect(CREDENTIAL_EXTRACTORS.basic.extract({ headers: { authorization } })).toEqual({ computerId: 'pc', token: 'pgc_abc' });
    expect(CREDENTIAL_EXTRACTORS.basic.extract({ headers: { authorization: 'Bearer pgc_abc' } })).toBeNull();
    expect(CREDENTIAL_EXTRACTORS.basic.challenge).toBe('Basic realm="patchgate"');
  });
});

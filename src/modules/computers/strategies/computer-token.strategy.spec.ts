import { Strategy } from 'passport-http-bearer';
import { BearerSource, bearerToken } from './computer-token.strategy';

/** The token passport-http-bearer would hand to the verify callback, or null when it refuses the request. */
function passportToken(request: BearerSource): string | null {
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
  const cases: [string, BearerSource][] = [
    ['a bearer header', { headers: { authorization: 'Bearer pgc_abc' } }],
    ['the scheme in any case', { headers: { authorization: 'bEaReR pgc_abc' } }],
    ['another scheme', { headers: { authorization: 'Basic pgc_abc' } }],
    ['a header of three words', { headers: { authorization: 'Bearer pgc_abc extra' } }],
    ['a header of one word', { headers: { authorization: 'pgc_abc' } }],
    ['no header', { headers: {} }],
    ['an empty header', { headers: { authorization: '' } }],
    ['a token in the body', { headers: {}, body: { access_token: 'pgc_body' } }],
    ['a token in the query', { headers: {}, query: { access_token: 'pgc_query' } }],
    ['a header and a body token', { headers: { authorization: 'Bearer pgc_abc' }, body: { access_token: 'pgc_body' } }],
    ['a header and a query token', { headers: { authorization: 'Bearer pgc_abc' }, query: { access_token: 'pgc_query' } }],
    ['a body and a query token', { headers: {}, body: { access_token: 'pgc_body' }, query: { access_token: 'pgc_query' } }],
    ['another scheme and a body token', { headers: { authorization: 'Basic x' }, body: { access_token: 'pgc_body' } }],
    ['an empty body token', { headers: { authorization: 'Bearer pgc_abc' }, body: { access_token: '' } }],
    ['a string body', { headers: { authorization: 'Bearer pgc_abc' }, body: 'access_token' }],
    ['a null body', { headers: { authorization: 'Bearer pgc_abc' }, body: null }],
  ];

  it.each(cases)('finds the token passport-http-bearer finds: %s', (_name, request) => {
    expect(bearerToken(request)).toBe(passportToken(request));
  });

  it('reads the header token', () => {
    expect(bearerToken({ headers: { authorization: 'Bearer pgc_abc' } })).toBe('pgc_abc');
  });
});

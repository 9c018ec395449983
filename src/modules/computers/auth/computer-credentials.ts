import basicAuth from 'basic-auth';
import { BASIC_REALM } from '../../../contracts/client-protocol';
import type { ComputerAuthScheme } from '../../../common/auth/access.decorators';

/** What the credential extractors read of a request. */
export interface CredentialSource {
  headers: { authorization?: string };
  body?: unknown;
  query?: unknown;
}

/** A computer's credentials as a route's scheme carries them. */
export interface ComputerCredentials {
  /** the computer's token (`pgc_…`) */
  token: string;
  /** the computer id the caller claims (HTTP Basic's login); must be the token's computer */
  computerId?: string;
}

/** How one scheme finds a computer's credentials in a request, and what its 401 asks for. */
export interface CredentialExtractor {
  /** The credentials, or null when the request carries none (or malformed ones) for this scheme. */
  extract(request: CredentialSource): ComputerCredentials | null;
  /** The `WWW-Authenticate` challenge of this scheme's 401, if it has one. */
  challenge?: string;
}

/** Longer than any credentials a computer has (a token is 48 characters): checked before parsing. */
const MAX_AUTHORIZATION_LENGTH = 1024;

/**
 * The token exactly as passport-http-bearer finds it: `Authorization: Bearer <token>` (a header
 * that does not split into two words is refused), else an `access_token` field of the body or
 * the query; null when there is none, or more than one.
 */
export function bearerToken({ headers, body, query }: CredentialSource): string | null {
  let token: string | undefined;
  const { authorization } = headers;
  if (authorization) {
    const parts = authorization.split(' ');
    if (parts.length !== 2) return null;
    if (/^Bearer$/i.test(parts[0])) token = parts[1];
  }
  for (const source of [body, query]) {
    const field = (source as { access_token?: unknown } | null | undefined)?.access_token;
    if (!field) continue;
    if (token) return null;
    token = field as string;
  }
  return token || null;
}

/**
 * HTTP Basic (RFC 7617) with the computer id as login and its token as password, as apt sends
 * them from an auth.conf entry; parsed by the basic-auth package. Null without (valid) Basic credentials.
 */
export function basicCredentials({ headers }: CredentialSource): ComputerCredentials | null {
  const { authorization } = headers;
  if (typeof authorization !== 'string' || authorization.length > MAX_AUTHORIZATION_LENGTH) return null;
  const parsed = basicAuth.parse(authorization);
  if (!parsed?.name || !parsed.pass) return null;
  return { computerId: parsed.name, token: parsed.pass };
}

/**
 * The schemes a route may choose with @ComputerAuth(scheme). A new client protocol with its own
 * way of carrying a computer's token (e.g. hawkBit's `TargetToken`) adds an entry here and a name to
 * ComputerAuthScheme; the token check stays the one in ComputerAuthenticator.
 */
export const CREDENTIAL_EXTRACTORS: Readonly<Record<ComputerAuthScheme, CredentialExtractor>> = {
  bearer: {
    extract: (request) => {
      const token = bearerToken(request);
      return token ? { token } : null;
    },
  },
  basic: { extract: basicCredentials, challenge: `Basic realm="${BASIC_REALM}"` },
};

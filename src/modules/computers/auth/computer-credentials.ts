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
 * The token of `Authorization: Bearer <token>`, read as passport-http-bearer reads that header (a
 * header that does not split into two words is refused). An `access_token` field in the body or
 * the query is not accepted: URLs end up in access logs and proxies' logs, so a request that
 * carries one is refused (null) even with a valid header, and its client learns to stop.
 */
export function bearerToken({ headers, body, query }: CredentialSource): string | null {
  for (const source of [body, query]) {
    if ((source as { access_token?: unknown } | null | undefined)?.access_token) return null;
  }
  const { authorization } = headers;
  if (!authorization) return null;
  const parts = authorization.split(' ');
  if (parts.length !== 2 || !/^Bearer$/i.test(parts[0])) return null;
  return parts[1] || null;
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

import createClient from 'openapi-fetch';
import type { components, paths } from './schema';
import { session } from '../auth/session';

/**
 * The document describes a nullable string without an explicit type as a bare object
 * (`Record<string, never>`): read those as strings again, at any depth.
 */
export type Repaired<V> = V extends (infer E)[]
  ? Repaired<E>[]
  : V extends object
    ? string extends keyof V
      ? [V[string]] extends [never]
        ? string
        : V
      : { [K in keyof V]: Repaired<V[K]> }
    : V;

/** Request and response bodies the OpenAPI document names (generated: src/console/api/schema.d.ts). */
export type Schemas = { [K in keyof components['schemas']]: Repaired<components['schemas'][K]> };

/** The API at the console's own origin; paths, query parameters and bodies are typed from the OpenAPI document. */
export const api = createClient<paths>({ baseUrl: window.location.origin });

api.use({
  onRequest({ request }) {
    const token = session.current()?.token;
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ response, request }) {
    // An expired or revoked login sends the viewer back to the login form (never for the login call itself).
    if (response.status === 401 && !request.url.endsWith('/api/v1/auth/login')) session.clear('Your session ended: log in again.');
    return response;
  },
});

/** An application/problem+json answer. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { field?: string; message?: string }[] | string[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

interface FetchResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/**
 * The body of a successful call, typed by the caller where the OpenAPI document has no response
 * schema (many list endpoints); a failed call throws ApiError with the problem details.
 */
export async function call<T>(request: Promise<FetchResult>): Promise<T> {
  const { data, error, response } = await request;
  if (!response.ok) {
    const problem = typeof error === 'object' && error !== null ? (error as Problem) : { detail: String(error ?? response.statusText) };
    throw new ApiError(response.status, problem);
  }
  return data as T;
}

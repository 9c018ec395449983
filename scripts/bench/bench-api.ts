/** A JSON call to the API under bench: throws on any status of 300 or more, naming the call and its answer. */
export type ApiCall = (method: string, path: string, body?: unknown, token?: string) => Promise<Record<string, unknown>>;

export function apiCaller(base: string): ApiCall {
  return async (method, path, body, token) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
}

import autocannon from 'autocannon';

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  statusCounts: Record<string, number>;
  errors: number;
}

export interface LoadOptions {
  url: string;
  durationSeconds: number;
  connections: number;
  /** Builds each request; called round-robin by autocannon's client. */
  request: () => { method: 'POST' | 'GET'; path: string; headers: Record<string, string>; body?: string };
}

/** Drives loopback load with autocannon for a fixed time and summarises it. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const statusCounts: Record<string, number> = {};
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    requests: [
      {
        setupRequest: (request) => {
          const next = options.request();
          return { ...request, method: next.method, path: next.path, headers: next.headers, body: next.body };
        },
        onResponse: (status) => {
          statusCounts[status] = (statusCounts[status] ?? 0) + 1;
        },
      },
    ],
  });
  const result = await instance;
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    statusCounts,
    errors: result.errors + result.timeouts,
  };
}

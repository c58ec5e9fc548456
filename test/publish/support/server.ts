/**
 * The plumbing both contract servers share: a node:http server on 127.0.0.1 (random port) that
 * records every request, checks the bearer token, and can be told to misbehave the ways real
 * services do — rate limiting (429 with Retry-After), unavailability (503 with Retry-After), a bad
 * request for a chosen write, failing every write after N of them until healed, or dropping the
 * connection after applying a write (so the client never hears that it succeeded).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  readonly method: string;
  /** Decoded path segments joined with `/`. */
  readonly path: string;
  readonly rawPath: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  status: number;
}

export interface Req {
  readonly method: string;
  readonly url: URL;
  /** Decoded path segments. */
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Res {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** How a server writes an error body (Splunk's messages[], ARM's error{}). */
export type ErrorBody = (status: number, code: string, message: string) => unknown;

export interface Faults {
  /** The next n requests answer 429 with this Retry-After. */
  throttle(n: number, retryAfter: string): void;
  /** The next n requests answer 503, with this Retry-After when given. */
  unavailable(n: number, retryAfter?: string): void;
  /** After n more writes succeed, every write answers 500 until `heal()`. */
  failWritesAfter(n: number): void;
  /** After n more writes succeed, the next write is applied and its connection dropped without an answer (once). */
  dropWriteAfter(n: number): void;
  /** The first request matching answers this status and message (once). */
  reject(match: (r: Req) => boolean, status: number, message: string): void;
  heal(): void;
}

export interface TestServer {
  readonly url: string;
  readonly requests: Recorded[];
  readonly faults: Faults;
  writes(): Recorded[];
  close(): Promise<void>;
}

const isWrite = (method: string) => method !== 'GET' && method !== 'HEAD';

export async function startServer(token: string, errorBody: ErrorBody, handle: (r: Req) => Res): Promise<TestServer> {
  const requests: Recorded[] = [];
  let throttleLeft = 0;
  let throttleAfter = '1';
  let unavailableLeft = 0;
  let unavailableAfter: string | undefined;
  let failAfter: number | undefined;
  let dropAfter: number | undefined;
  let rejections: { match: (r: Req) => boolean; status: number; message: string }[] = [];

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const segments = url.pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
      const body = Buffer.concat(chunks).toString('utf8');
      const method = req.method ?? 'GET';
      const rec: Recorded = { method, path: segments.join('/'), rawPath: url.pathname, query: url.searchParams, headers: req.headers, body, status: 0 };
      requests.push(rec);
      const send = (r: Res) => {
        rec.status = r.status;
        const text = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
        res.writeHead(r.status, { 'Content-Type': typeof r.body === 'string' ? 'text/plain' : 'application/json', ...(r.headers ?? {}) });
        res.end(text);
      };
      const request: Req = { method, url, segments, query: url.searchParams, headers: req.headers, body };

      if (req.headers.authorization !== `Bearer ${token}`) return send({ status: 401, body: errorBody(401, 'AuthenticationFailed', 'the bearer token is missing or wrong') });
      if (throttleLeft > 0) {
        throttleLeft--;
        return send({ status: 429, headers: { 'Retry-After': throttleAfter }, body: errorBody(429, 'TooManyRequests', 'rate limit exceeded') });
      }
      if (unavailableLeft > 0) {
        unavailableLeft--;
        return send({ status: 503, headers: unavailableAfter ? { 'Retry-After': unavailableAfter } : {}, body: errorBody(503, 'ServiceUnavailable', 'the service is unavailable') });
      }
      const rejection = rejections.find((x) => {
        try {
          return x.match(request);
        } catch {
          return false;
        }
      });
      if (rejection) {
        rejections = rejections.filter((x) => x !== rejection);
        return send({ status: rejection.status, body: errorBody(rejection.status, 'BadRequest', rejection.message) });
      }
      if (isWrite(method) && failAfter !== undefined) {
        if (failAfter <= 0) return send({ status: 500, body: errorBody(500, 'InternalServerError', 'internal error') });
        failAfter--;
      }
      if (isWrite(method) && dropAfter !== undefined) {
        if (dropAfter <= 0) {
          dropAfter = undefined;
          handle(request); // applied…
          rec.status = -1;
          req.socket.destroy(); // …but the client never hears so
          return;
        }
        dropAfter--;
      }
      try {
        send(handle(request));
      } catch (e) {
        send({ status: 500, body: errorBody(500, 'TestServerBug', (e as Error).message) });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    writes: () => requests.filter((r) => isWrite(r.method)),
    faults: {
      throttle(n, retryAfter) {
        throttleLeft = n;
        throttleAfter = retryAfter;
      },
      unavailable(n, retryAfter) {
        unavailableLeft = n;
        unavailableAfter = retryAfter;
      },
      failWritesAfter(n) {
        failAfter = n;
      },
      dropWriteAfter(n) {
        dropAfter = n;
      },
      reject(match, status, message) {
        rejections.push({ match, status, message });
      },
      heal() {
        throttleLeft = 0;
        unavailableLeft = 0;
        failAfter = undefined;
        dropAfter = undefined;
        rejections = [];
      },
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A form body (application/x-www-form-urlencoded), or an error saying why it is not one. */
export function formOf(r: Req): URLSearchParams | string {
  const type = String(r.headers['content-type'] ?? '');
  if (!type.startsWith('application/x-www-form-urlencoded')) return `expected Content-Type application/x-www-form-urlencoded, got ${type || 'none'}`;
  return new URLSearchParams(r.body);
}

/** A JSON body, or an error saying why it is not one. */
export function jsonOf(r: Req): { value: unknown } | string {
  const type = String(r.headers['content-type'] ?? '');
  if (!type.startsWith('application/json')) return `expected Content-Type application/json, got ${type || 'none'}`;
  try {
    return { value: JSON.parse(r.body) as unknown };
  } catch {
    return 'the body is not JSON';
  }
}

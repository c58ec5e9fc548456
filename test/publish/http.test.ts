/**
 * The publish HTTP client (src/publish/http.ts): Retry-After in both forms, capped exponential
 * backoff, bounded retries of network errors, the origin guard for the token, and redaction. Time is
 * injected: nothing here waits.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { armErrorMessage, backoffMs, DEFAULT_RETRY, HttpClient, HttpError, redact, retryAfterMs, splunkErrorMessage } from '../../src/publish/http.js';
import { defaultRuntime, type Runtime } from '../../src/publish/runtime.js';

const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);

describe('Retry-After and backoff', () => {
  it('reads delay-seconds and HTTP-dates; ignores what is neither', () => {
    expect(retryAfterMs('7', NOW)).toBe(7000);
    expect(retryAfterMs(' 0 ', NOW)).toBe(0);
    expect(retryAfterMs(new Date(NOW + 90_000).toUTCString(), NOW)).toBe(90_000);
    expect(retryAfterMs(new Date(NOW - 5_000).toUTCString(), NOW)).toBe(0);
    expect(retryAfterMs('-3', NOW)).toBeUndefined();
    expect(retryAfterMs('1.5', NOW)).toBeUndefined();
    expect(retryAfterMs('soon', NOW)).toBeUndefined();
    expect(retryAfterMs(null, NOW)).toBeUndefined();
  });

  it('doubles from the base delay and never exceeds the cap', () => {
    expect([0, 1, 2, 3].map((a) => backoffMs(a, DEFAULT_RETRY))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(20, DEFAULT_RETRY)).toBe(DEFAULT_RETRY.maxDelayMs);
  });
});

describe('the client', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((r) => server!.close(() => r()));
      server = undefined;
    }
  });
  const listen = async (handler: Parameters<typeof createServer>[1]): Promise<string> => {
    server = createServer(handler);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const runtime = (sleeps: number[]): Runtime => ({ ...defaultRuntime, now: () => NOW, sleep: async (ms) => void sleeps.push(ms) });

  it('retries network errors a bounded number of times, then names the method and path', async () => {
    let attempts = 0;
    const base = await listen((req) => {
      attempts++;
      req.socket.destroy();
    });
    const sleeps: number[] = [];
    const client = new HttpClient({ base, token: 'tok-abcdef', runtime: runtime(sleeps), readError: splunkErrorMessage });
    const err = await client.request({ method: 'GET', url: `${base}/x?y=1` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).message).toMatch(/^GET \/x\?y=1: network error \(.+\) after 4 attempt\(s\)$/);
    expect(attempts).toBe(DEFAULT_RETRY.maxNetworkRetries + 1);
    expect(sleeps).toEqual([1000, 2000, 4000]);
  });

  it('does not retry a 4xx, and takes the listed statuses as answers', async () => {
    let attempts = 0;
    const base = await listen((_req, res) => {
      attempts++;
      res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ messages: [{ type: 'ERROR', text: 'Could not find object id=x' }] }));
    });
    const client = new HttpClient({ base, token: 'tok-abcdef', runtime: runtime([]), readError: splunkErrorMessage });
    expect((await client.request({ method: 'GET', url: `${base}/x`, ok: [404] })).status).toBe(404);
    await expect(client.request({ method: 'GET', url: `${base}/x` })).rejects.toThrow('GET /x: 404 Not Found: Could not find object id=x');
    expect(attempts).toBe(2);
  });

  it('sends the token to its own origin only (a nextLink elsewhere is refused), and never follows a redirect', async () => {
    const seen: string[] = [];
    const base = await listen((req, res) => {
      seen.push(String(req.headers.authorization));
      res.writeHead(302, { Location: 'http://127.0.0.2:1/steal' }).end();
    });
    const client = new HttpClient({ base, token: 'tok-abcdef', runtime: runtime([]), readError: armErrorMessage });
    await expect(client.request({ method: 'GET', url: 'http://127.0.0.2:9/next?api-version=1' })).rejects.toThrow(/refused: not on http:\/\/127\.0\.0\.1:\d+/);
    await expect(client.request({ method: 'GET', url: `${base}/r` })).rejects.toThrow('GET /r: 302');
    expect(seen).toEqual(['Bearer tok-abcdef']);
  });
});

describe('server messages and redaction', () => {
  it("reads Splunk's messages[].text and ARM's error.code/error.message", () => {
    expect(splunkErrorMessage(JSON.stringify({ messages: [{ type: 'ERROR', text: 'a' }, { type: 'ERROR', text: 'b' }] }))).toBe('a; b');
    expect(armErrorMessage(JSON.stringify({ error: { code: 'BadRequest', message: 'query invalid' } }))).toBe('BadRequest: query invalid');
    expect(armErrorMessage('<html>gateway</html>')).toBe('<html>gateway</html>');
  });

  it('replaces every occurrence of a secret', () => {
    expect(redact('a SECRET-1 b SECRET-1', ['SECRET-1'])).toBe('a *** b ***');
  });
});

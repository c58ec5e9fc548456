/**
 * The one HTTP client of `t1612 publish`: a bearer token on every request, retries with capped
 * exponential backoff, and errors that carry the server's own message but never a credential.
 *
 * Retried (up to `maxRetries` times): 429 and every 5xx. Splunk's and Azure Resource Manager's
 * throttling both answer 429; ARM documents that "the response includes a Retry-After value, which
 * specifies the number of seconds your application should wait (or sleep) before sending the next
 * request" (Azure Resource Manager, "Request limits and throttling",
 * https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling,
 * and Microsoft Sentinel's own "Request limits and throttling",
 * https://learn.microsoft.com/rest/api/securityinsights/request-limits-and-throttling). `Retry-After`
 * is honoured in both of its forms, delay-seconds or an HTTP-date (RFC 9110 §10.2.3); without it the
 * delay doubles from `baseDelayMs`. Every delay is capped at `maxDelayMs`.
 *
 * Network errors (refused or dropped connections, timeouts) are retried too, at most
 * `maxNetworkRetries` times: a write whose connection dropped may or may not have been applied, so
 * every write the publishers send is one that can be repeated (Splunk updates and KV store
 * `batch_save` with fixed `_key`s, ARM PUTs of whole resources, DELETEs that take 404 for done), and a
 * Splunk create that meets 409 because an earlier attempt did create it is turned into an update by
 * the caller.
 *
 * Any other status that the caller did not list as expected (`ok`) stops with an `HttpError` naming
 * the method, the path and the server's message (Splunk: `messages[].text`; ARM: `error.code` and
 * `error.message`). The token is only ever put in the Authorization header: it is in no URL, no
 * error and no log line.
 */
import type { Runtime } from './runtime.js';

export interface RetryPolicy {
  /** Retries after 429 or 5xx (so at most maxRetries + 1 attempts). */
  readonly maxRetries: number;
  /** Retries after a network error. */
  readonly maxNetworkRetries: number;
  /** First backoff delay; it doubles on every further retry. */
  readonly baseDelayMs: number;
  /** No wait is longer, whatever the server's Retry-After says. */
  readonly maxDelayMs: number;
  /** A request that has not answered after this long is a network error. */
  readonly timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 5, maxNetworkRetries: 3, baseDelayMs: 1000, maxDelayMs: 60_000, timeoutMs: 60_000 };

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HttpRequest {
  readonly method: Method;
  /** Absolute URL; it must be on the client's origin. */
  readonly url: string;
  /** A form (application/x-www-form-urlencoded) or a JSON body. */
  readonly form?: URLSearchParams;
  readonly json?: unknown;
  /** Statuses besides 2xx that the caller handles itself (e.g. 404 for "absent"). */
  readonly ok?: readonly number[];
}

export interface HttpResponse {
  readonly status: number;
  readonly text: string;
  json<T = unknown>(): T;
}

/** A request that failed for good: after its retries, or with a status that is not retried. */
export class HttpError extends Error {
  constructor(
    message: string,
    /** The last status, or undefined after a network error. */
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Reads the server's error message out of an error response body. */
export type ErrorReader = (body: string) => string | undefined;

export interface RetryEvent {
  readonly method: Method;
  readonly path: string;
  /** The status that is retried, or undefined after a network error. */
  readonly status: number | undefined;
  readonly delayMs: number;
  readonly attempt: number;
}

export interface HttpClientOptions {
  /** The base URL whose origin every request must stay on. */
  readonly base: string;
  readonly token: string;
  readonly runtime: Runtime;
  readonly readError: ErrorReader;
  readonly retry?: RetryPolicy;
  readonly onRetry?: (e: RetryEvent) => void;
}

/** A `Retry-After` value as milliseconds from `now`: delay-seconds or an HTTP-date; undefined when absent or malformed. */
export function retryAfterMs(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[A-Za-z]/.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The delay before retry number `attempt` (0-based) without Retry-After: base · 2^attempt, capped. */
export function backoffMs(attempt: number, policy: RetryPolicy): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
}

function retryable(status: number): boolean {
  return status === 429 || status >= 500;
}

function reason(e: unknown): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'no answer in time';
  const code = err.cause?.code;
  return code ? `${code}` : (err.cause?.message ?? err.message ?? String(e));
}

export class HttpClient {
  private readonly origin: string;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: HttpClientOptions) {
    this.origin = new URL(options.base).origin;
    this.retry = options.retry ?? DEFAULT_RETRY;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(req.url);
    // The token goes nowhere but the server it was given for (nextLink URLs come from the server).
    if (url.origin !== this.origin) throw new HttpError(`${req.method} ${url.href}: refused: not on ${this.origin}, where the credentials are for`, undefined);
    const path = `${url.pathname}${url.search}`;
    const headers: Record<string, string> = { Authorization: `Bearer ${this.options.token}`, Accept: 'application/json' };
    let body: string | undefined;
    if (req.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = req.form.toString();
    } else if (req.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(req.json);
    }
    const { runtime } = this.options;
    let retries = 0;
    let networkRetries = 0;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await runtime.fetch(url, { method: req.method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(this.retry.timeoutMs) });
      } catch (e) {
        if (networkRetries >= this.retry.maxNetworkRetries)
          throw new HttpError(`${req.method} ${path}: network error (${reason(e)}) after ${attempt + 1} attempt(s)`, undefined);
        networkRetries++;
        const delayMs = backoffMs(attempt, this.retry);
        this.options.onRetry?.({ method: req.method, path, status: undefined, delayMs, attempt: attempt + 1 });
        await runtime.sleep(delayMs);
        continue;
      }
      const text = await response.text().catch(() => '');
      const status = response.status;
      if ((status >= 200 && status < 300) || req.ok?.includes(status)) {
        return {
          status,
          text,
          json<T>() {
            try {
              return JSON.parse(text) as T;
            } catch {
              throw new HttpError(`${req.method} ${path}: ${status} but the body is not JSON`, status);
            }
          },
        };
      }
      if (retryable(status) && retries < this.retry.maxRetries) {
        retries++;
        const told = retryAfterMs(response.headers.get('retry-after'), runtime.now());
        const delayMs = Math.min(this.retry.maxDelayMs, told ?? backoffMs(attempt, this.retry));
        this.options.onRetry?.({ method: req.method, path, status, delayMs, attempt: attempt + 1 });
        await runtime.sleep(delayMs);
        continue;
      }
      const said = this.options.readError(text);
      const tries = retryable(status) ? ` after ${attempt + 1} attempt(s)` : '';
      throw new HttpError(`${req.method} ${path}: ${status}${response.statusText ? ` ${response.statusText}` : ''}${tries}${said ? `: ${said}` : ''}`, status);
    }
  }
}

/** Splunk's error body: `{"messages":[{"type":"ERROR","text":"…"}]}` (REST API, JSON responses). */
export function splunkErrorMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { messages?: { type?: string; text?: string }[] };
    const texts = (parsed.messages ?? []).map((m) => m.text).filter((t): t is string => typeof t === 'string' && t !== '');
    return texts.length ? texts.join('; ') : undefined;
  } catch {
    return body.trim() ? body.trim().slice(0, 500) : undefined;
  }
}

/** ARM's error body: `{"error":{"code":"…","message":"…"}}` (CloudError / ErrorResponse). */
export function armErrorMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: string; message?: string } };
    const e = parsed.error;
    if (!e) return undefined;
    return [e.code, e.message].filter((x) => typeof x === 'string' && x !== '').join(': ') || undefined;
  } catch {
    return body.trim() ? body.trim().slice(0, 500) : undefined;
  }
}

/** Every occurrence of a secret replaced: the last guard before anything is printed. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***');
  return out;
}

/**
 * What `t1612 publish` takes from the world besides the package: time (a sleep between retries and
 * a clock for `Retry-After` dates), the network (`fetch`) and the environment (configuration and
 * credentials). The library functions take a `Runtime`; the CLI uses `currentRuntime()`, which tests
 * replace with `useRuntime()` so that no test waits real time.
 */

export interface Runtime {
  /** Wait `ms` milliseconds (retries only). */
  sleep(ms: number): Promise<void>;
  /** Milliseconds since the epoch (to turn a `Retry-After` HTTP date into a delay). */
  now(): number;
  fetch: typeof fetch;
  /** The environment configuration and credentials are read from. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const defaultRuntime: Runtime = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
  fetch: (input, init) => fetch(input, init),
  get env() {
    return process.env;
  },
};

let current: Runtime = defaultRuntime;

export function currentRuntime(): Runtime {
  return current;
}

/** Replace parts of the runtime the CLI uses (tests); returns the function that restores the previous one. */
export function useRuntime(partial: Partial<Runtime>): () => void {
  const previous = current;
  current = { ...previous, ...partial, env: partial.env ?? previous.env };
  return () => {
    current = previous;
  };
}

/**
 * Running `t1612 publish` through `run([...], io)` with the environment given by the test and a fake
 * clock: sleeps are recorded and advance the clock, so no test waits real time.
 */
import { run } from '../../../src/cli/main.js';
import { useRuntime } from '../../../src/publish/runtime.js';
import { captureIo } from '../../support/io.js';

export const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly out: string[];
  /** Every sleep the run asked for, in ms. */
  readonly sleeps: number[];
}

export async function publishCli(args: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<CliRun> {
  const io = captureIo();
  const sleeps: number[] = [];
  let clock = T0;
  const restore = useRuntime({
    env,
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
  });
  try {
    const code = await run(['publish', ...args], io);
    return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n'), out: io.stdout.flatMap((s) => s.split('\n')), sleeps };
  } finally {
    restore();
  }
}

/** Lines of a text run that start with an action word. */
export function linesWith(run: CliRun, word: string): string[] {
  return run.out.filter((l) => l.startsWith(`${word} `));
}

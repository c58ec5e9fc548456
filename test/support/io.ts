import { Chalk } from 'chalk';
import type { Io } from '../../src/cli/output.js';

export interface CapturedIo extends Io {
  readonly stdout: string[];
  readonly stderr: string[];
}

/** An Io that records output, with colours off (as on a non-TTY). */
export function captureIo(level: 0 | 1 = 0): CapturedIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), color: new Chalk({ level }) };
}

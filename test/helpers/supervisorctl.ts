import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import { fixture } from './paths';
import { isDead, waitFor } from './processes';

/** The real supervisorctl, when Debian's `supervisor` package is installed. */
export const SUPERVISORCTL = ['/usr/bin/supervisorctl', '/usr/local/bin/supervisorctl'].find((file) => fs.existsSync(file));

export interface CtlResult {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * supervisorctl's own main() run many times in one Python process
 * (fixtures/supervisorctl-driver.py), with the interpreter of the installed
 * supervisorctl script: the same code as the binary, without paying Python's
 * start-up for every command. One command at a time.
 */
export class SupervisorctlDriver {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = '';
  private waiting: ((line: string) => void) | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor() {
    const interpreter = fs.readFileSync(SUPERVISORCTL!, 'utf8').split('\n')[0].replace(/^#!\s*/, '').split(' ')[0];
    this.child = spawn(interpreter, [fixture('supervisorctl-driver.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.buffer += chunk;
      const newline = this.buffer.indexOf('\n');
      if (newline >= 0 && this.waiting) {
        const line = this.buffer.slice(0, newline);
        this.buffer = this.buffer.slice(newline + 1);
        const resolve = this.waiting;
        this.waiting = null;
        resolve(line);
      }
    });
    this.child.stderr.resume();
  }

  run(...argv: string[]): Promise<CtlResult> {
    const next = this.queue.then(
      () =>
        new Promise<CtlResult>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`supervisorctl ${argv.join(' ')}: no answer in 20 s`)), 20000);
          this.waiting = (line) => {
            clearTimeout(timer);
            resolve(JSON.parse(line) as CtlResult);
          };
          this.child.stdin.write(`${JSON.stringify(argv)}\n`);
        }),
    );
    this.queue = next.catch(() => {});
    return next;
  }

  /** Ends the driver by closing its input; by pid if it does not go. */
  async close(): Promise<void> {
    const pid = this.child.pid!;
    this.child.stdin.end();
    try {
      await waitFor(() => isDead(pid), 'the supervisorctl driver to end', 3000);
    } catch {
      process.kill(pid, 'SIGKILL');
    }
  }
}

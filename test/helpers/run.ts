import { spawn, type SpawnOptions } from 'node:child_process';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  pid: number;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
  /** Called with the pid as soon as the process runs. */
  onSpawn?: (pid: number) => void;
}

/** Runs a program to its end and collects what it printed; kills it by pid at the deadline. */
export function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const spawnOptions: SpawnOptions = {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    };
    const child = spawn(file, args, spawnOptions);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    if (options.input !== undefined) child.stdin!.end(options.input);
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    const timeoutMs = options.timeoutMs ?? 15000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} ${args.join(' ')} did not finish within ${timeoutMs} ms; stdout: ${stdout}; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, pid: child.pid ?? 0 });
    });
  });
}

/**
 * Runs a shell command line on a real pseudo-terminal (util-linux script):
 * its stdin, stdout and stderr are the terminal unless the line redirects
 * them. What the terminal showed comes back as stdout, with \r\n made \n.
 */
export async function runInPty(commandLine: string, options: RunOptions = {}): Promise<RunResult> {
  const env = { ...(options.env ?? process.env), SHELL: '/bin/sh' };
  const result = await run('script', ['-qec', commandLine, '/dev/null'], { ...options, env });
  return { ...result, stdout: result.stdout.replace(/\r\n/g, '\n') };
}

/** Quotes one word for /bin/sh. */
export function sh(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

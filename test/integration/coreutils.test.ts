import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, TNOHUP } from '../helpers/paths';
import { run, sh } from '../helpers/run';

// GNU coreutils' own tests, pinned in test/coreutils/ (see its README), run
// against tnohup with the program name the only thing changed. The same
// tests run against the installed GNU nohup too, to show that the pinned
// copy and the harness hold here.
const HARNESS = path.join(ROOT, 'test', 'coreutils', 'harness', 'run-test.sh');
const GNU = '/usr/bin/nohup';
const HAVE_GNU = fs.existsSync(GNU);
const HAVE_PERL = fs.existsSync('/usr/bin/perl');

// [test, coreutils programs it needs among the "built" ones]
const TESTS: Array<[string, string[]]> = [
  ['tests/misc/nohup.sh', []],
  ['tests/help/help-version.sh', []],
  ['tests/help/help-version-getopt.sh', ['yes']],
  ['tests/misc/io-errors.sh', ['env']],
  ['tests/misc/invalid-opt.pl', []],
  ['tests/misc/usage_vs_getopt.sh', []],
];

function harnessLine(program: string, name: string, test: string, helpers: string[]): string {
  return [HARNESS, program, name, test, ...helpers].map(sh).join(' ');
}

async function runTest(program: string, name: string, test: string, helpers: string[], redirections = '</dev/null'): Promise<void> {
  const result = await run('sh', ['-c', `${harnessLine(program, name, test, helpers)} ${redirections}`], { timeoutMs: 120000 });
  assert.equal(result.code, 0, `${test} against ${name} failed (status ${result.code}):\n${result.stdout}${result.stderr}`);
}

describe("coreutils' own tests pass against tnohup", { concurrency: true }, () => {
  for (const [test, helpers] of TESTS) {
    const skip = test.endsWith('.pl') && !HAVE_PERL && 'needs perl';
    it(test, { skip }, () => runTest(TNOHUP, 'tnohup', test, helpers));
    it(`${test}, against GNU nohup (a check of the harness)`, { skip: skip || (!HAVE_GNU && 'GNU nohup is not installed') }, () =>
      runTest(GNU, 'nohup', test, helpers),
    );
  }

  // nohup.sh takes a different branch for each terminal arrangement of its
  // own stdin, stdout and stderr: it runs here on a pseudo-terminal, once
  // for each (the arrangement with no terminal at all runs above).
  for (const stdin of ['tty', '</dev/null']) {
    for (const stdout of ['tty', '>out.txt']) {
      for (const stderr of ['tty', '2>err.txt']) {
        const arrangement = [stdin, stdout, stderr].filter((r) => r !== 'tty').join(' ');
        it(`tests/misc/nohup.sh on a terminal, ${arrangement || 'all three streams on it'}`, async () => {
          const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tnohup-cu-'));
          try {
            const line = `${harnessLine(TNOHUP, 'tnohup', 'tests/misc/nohup.sh', [])} ${arrangement}; echo "status=$?"`;
            const result = await run('script', ['-qec', line, '/dev/null'], { cwd: dir, timeoutMs: 120000, env: { ...process.env, SHELL: '/bin/sh' } });
            const shown = result.stdout.replace(/\r\n/g, '\n');
            const files = ['out.txt', 'err.txt'].map((f) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : '')).join('');
            assert.match(shown, /status=0\n/, `nohup.sh failed:\n${shown}${files}`);
          } finally {
            fs.rmSync(dir, { recursive: true, force: true });
          }
        });
      }
    }
  }
});

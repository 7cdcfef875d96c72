import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { binsForNobody, ROOT, TNOHUP } from '../helpers/paths';
import { isDead, Reaper, waitFor } from '../helpers/processes';
import { run, runInPty, sh } from '../helpers/run';
import { IS_ROOT, makeTempDir } from '../helpers/tmp';

// Issue 9: each case runs the same shell line with tnohup and with GNU
// nohup 9.1 (when installed), each in a fresh directory, and asserts both
// what tnohup does and that GNU does the same, tnohup's name aside. $N in a
// line is the program's name, found on PATH as a user would type it.
const GNU = '/usr/bin/nohup';
const HAVE_GNU = fs.existsSync(GNU);

interface Outcome {
  /** What the line printed (on the terminal, when in a pty), tnohup made nohup. */
  shown: string;
  /** nohup.out in the directory afterwards, or null if there is none. */
  nohupOut: string | null;
}

interface Options {
  pty?: boolean;
  /** Runs the line as nobody (in a directory nobody cannot write). */
  asNobody?: boolean;
  env?: NodeJS.ProcessEnv;
}

async function runWith(t: TestContext, program: 'nohup' | 'tnohup', line: string, options: Options): Promise<Outcome> {
  const dir = makeTempDir(t);
  const links = path.join(dir, '.bin');
  fs.mkdirSync(links);
  const work = path.join(dir, 'work');
  fs.mkdirSync(work);
  let target = program === 'nohup' ? GNU : TNOHUP;
  if (options.asNobody && program === 'tnohup') target = binsForNobody(dir).tnohup;
  fs.symlinkSync(target, path.join(links, program));
  const env = { ...process.env, ...options.env, PATH: `${links}:${process.env.PATH}`, N: program };
  const full = options.asNobody ? `runuser -u nobody -- env PATH="$PATH" sh -c ${sh(line)}` : line;
  // A generous deadline: on a busy machine one Node.js start alone can take seconds.
  const timeoutMs = 60000;
  const result =
    options.pty === false
      ? await run('sh', ['-c', `{ ${full}
} 2>&1`], { cwd: work, env, timeoutMs })
      : await runInPty(full, { cwd: work, env, timeoutMs });
  const outFile = path.join(work, 'nohup.out');
  return {
    shown: result.stdout.replace(/\btnohup\b/g, 'nohup'),
    nohupOut: fs.existsSync(outFile) ? fs.readFileSync(outFile, 'utf8') : null,
  };
}

/** tnohup's outcome, after checking that GNU nohup's is the same. */
async function likeGnu(t: TestContext, line: string, options: Options = {}): Promise<Outcome> {
  const ours = await runWith(t, 'tnohup', line, options);
  if (HAVE_GNU) assert.deepEqual(ours, await runWith(t, 'nohup', line, options), `tnohup and GNU nohup differ on: ${line}`);
  return ours;
}

/** The state of descriptors 0-2 as the command sees them, written to fd 3. */
const REPORT_FDS = `sh -c 's=; for fd in 0 1 2; do if [ -e /proc/self/fd/$fd ]; then s="$s $fd:open"; else s="$s $fd:closed"; fi; done; echo "fds$s" >&3'`;

describe('tnohup does what GNU nohup 9.1 does', { concurrency: true }, () => {
  it('1. stops with 125 before running the command when a notice cannot be written', async (t) => {
    for (const stderr of ['2>/dev/full', '2>&-']) {
      const result = await likeGnu(t, `$N touch ran ${stderr}; echo "rc=$?"; ls`);
      assert.equal(result.shown, 'rc=125\nnohup.out\n', stderr); // no "ran": the command did not run
      assert.equal(result.nohupOut, '', 'nohup.out is created, and left empty');
    }
  });

  it('2. reports --help and --version write errors, 125 or 127 under POSIXLY_CORRECT', async (t) => {
    const cases: Array<[string, string]> = [
      ['$N --help >/dev/full', 'nohup: write error: No space left on device\nrc=125\n'],
      ['$N --version >/dev/full', 'nohup: write error: No space left on device\nrc=125\n'],
      ['$N --version >&-', 'nohup: write error: Bad file descriptor\nrc=125\n'],
      ['POSIXLY_CORRECT=1 $N --vers >&-', 'nohup: write error: Bad file descriptor\nrc=127\n'],
    ];
    for (const [line, shown] of cases) {
      assert.equal((await likeGnu(t, `${line}; echo "rc=$?"`, { pty: false })).shown, shown, line);
    }
  });

  it('3. sees descriptors the caller closed, and passes them on closed', async (t) => {
    const cases: Array<[string, string]> = [
      ['<&-', 'fds 0:closed 1:open 2:open'],
      ['>&-', 'fds 0:open 1:closed 2:open'],
      ['2>&-', 'fds 0:open 1:open 2:closed'],
      ['<&- >&- 2>&-', 'fds 0:closed 1:closed 2:closed'],
    ];
    for (const [redirections, fds] of cases) {
      const result = await likeGnu(t, `$N ${REPORT_FDS} 3>&1 </dev/null >/dev/null 2>/dev/null ${redirections}`, { pty: false });
      assert.equal(result.shown, `${fds}\n`, redirections);
    }
    // Descriptors above 2 reach the command too (Node marks them close-on-exec).
    const above = await likeGnu(t, `bash -c 'exec 20>/dev/null; exec "$N" sh -c "echo three >&3; [ -e /proc/self/fd/20 ] && echo has-20"' 3>&1 </dev/null`, { pty: false });
    assert.equal(above.shown, 'three\nhas-20\n');
    // Stdout closed, stderr a terminal: stderr goes to nohup.out, stdout stays closed.
    const toFile = await likeGnu(t, `$N sh -c 'echo to-err >&2; ${REPORT_FDS.slice(7, -1)}' >&- 3>fds.txt; echo "rc=$?"; cat fds.txt`);
    assert.equal(toFile.shown, "nohup: ignoring input and appending output to 'nohup.out'\nnohup: ignoring input and redirecting stderr to stdout\nrc=0\nfds 0:open 1:closed 2:open\n");
    assert.equal(toFile.nohupOut, 'to-err\n');
    const bothClosed = await likeGnu(t, `$N sh -c 'echo to-err >&2; ${REPORT_FDS.slice(7, -1)}' <&- >&- 3>fds.txt; echo "rc=$?"; cat fds.txt`);
    assert.equal(bothClosed.shown, "nohup: appending output to 'nohup.out'\nnohup: redirecting stderr to stdout\nrc=0\nfds 0:closed 1:closed 2:open\n");
    assert.equal(bothClosed.nohupOut, 'to-err\n');
  });

  // Every arrangement of terminal, closed, file and /dev/full on the three
  // streams: what the command gets, what is said, nohup.out, the status.
  const WHAT_THE_COMMAND_GETS =
    'sh -c \'s=; for fd in 0 1 2; do if [ -e /proc/$$/fd/$fd ]; then s="$s $fd:$(readlink /proc/$$/fd/$fd | sed "s,.*/,,;s,[0-9]*$,,")"; ' +
    'else s="$s $fd:closed"; fi; done; echo "fds$s" >&9; echo to-out; echo to-err >&2\'';
  for (const stdin of ['', '<&-', '</dev/null']) {
    it(`1-3. matches GNU for stdin '${stdin || 'terminal'}' and every stdout and stderr`, { skip: !HAVE_GNU && 'GNU nohup is not installed' }, async (t) => {
      for (const stdout of ['', '>&-', '>o.txt', '>/dev/full']) {
        for (const stderr of ['', '2>&-', '2>e.txt', '2>/dev/full']) {
          const line = `$N ${WHAT_THE_COMMAND_GETS} 9>fds.txt ${stdin} ${stdout} ${stderr}; echo "rc=$?"; cat fds.txt; cat o.txt e.txt 2>/dev/null`;
          await likeGnu(t, line);
        }
      }
    });
  }

  it("4. reads options as getopt_long does: abbreviations, the first of --help/--version, getopt's messages", async (t) => {
    const messages: Array<[string, string]> = [
      ['$N', 'nohup: missing operand\n'],
      ['$N --help=false true', "nohup: option '--help' doesn't allow an argument\n"],
      ['$N --vers=x true', "nohup: option '--version' doesn't allow an argument\n"],
      ['$N -x true', "nohup: invalid option -- 'x'\n"],
      ['$N --bogus=1 true', "nohup: unrecognized option '--bogus=1'\n"],
    ];
    for (const [line, message] of messages) {
      const result = await likeGnu(t, `${line}; echo "rc=$?"`, { pty: false });
      assert.equal(result.shown, `${message}Try 'nohup --help' for more information.\nrc=125\n`, line);
    }
    // Help and version texts are tnohup's own: compare what is printed first.
    const first = async (args: string) => (await run(TNOHUP, args.split(' '))).stdout.split('\n')[0];
    assert.match(await first('--he'), /^Usage: tnohup /);
    assert.match(await first('--help --bogus'), /^Usage: tnohup /);
    assert.match(await first('--vers'), /^tnohup \d/);
    assert.match(await first('--version --help'), /^tnohup \d/);
    // tnohup's own -p takes the next word, whatever it is, as getopt does.
    const dir = makeTempDir(t);
    for (const args of [['-p', '--help'], ['-p', '-x'], ['-p-x']]) {
      // The pidfile is written once the command runs: wait for it (tdaemon's record, FILE.state, is written beside it).
      const waitAndShow = 'for i in $(seq 500); do for f in ./-*; do case $f in *.state) continue;; esac; [ -s "$f" ] && exec cat "$f"; done; sleep 0.01; done; exit 9';
      const result = await run(TNOHUP, [...args, 'sh', '-c', waitAndShow], { cwd: dir });
      assert.equal(result.stderr, '', args.join(' '));
      assert.match(result.stdout, /^\d+\n$/, `${args.join(' ')} wrote the pidfile`);
    }
  });

  it('5. reports a command that cannot be run as GNU does, not in the words of sh', async (t) => {
    const badint = `printf '#!/nonexistent/interp\\n' > badint; chmod +x badint;`;
    const result = await likeGnu(t, `${badint} $N ./badint </dev/null >out 2>&1; echo "rc=$?"; cat out`, { pty: false });
    assert.equal(result.shown, "rc=127\nnohup: failed to run command './badint': No such file or directory\n");
    const onPath = await likeGnu(t, `${badint} PATH=.:$PATH $N badint; echo "rc=$?"`);
    assert.equal(onPath.shown, "nohup: ignoring input and appending output to 'nohup.out'\nnohup: failed to run command 'badint': No such file or directory\nrc=127\n");
    assert.equal(onPath.nohupOut, '');
  });

  it('5. reports an argument list too long for exec as GNU does: 126', async (t) => {
    // tnohup's own exec of sh fails here: an argument that is not UTF-8
    // travels as octal escapes, four bytes for one (README: differences).
    const dir = makeTempDir(t);
    const result = await run('sh', ['-c', `exec ${sh(TNOHUP)} true "$(head -c 40000 /dev/zero | tr '\\0' '\\377')"`], { cwd: dir, timeoutMs: 60000 });
    assert.equal(result.code, 126);
    assert.equal(result.stderr, "tnohup: failed to run command 'true': Argument list too long\n");
  });

  it('6. starts without node on PATH, through the Node.js that built it', async (t) => {
    assert.equal(fs.realpathSync(path.join(ROOT, 'dist', 'node')), fs.realpathSync(process.execPath));
    const dir = makeTempDir(t);
    // Installed the way npm installs commands: a symlink on PATH.
    fs.symlinkSync(TNOHUP, path.join(dir, 'tnohup'));
    const result = await run('/bin/sh', ['-c', 'tnohup /bin/echo ran; echo "rc=$?"'], { cwd: dir, env: { PATH: dir } });
    assert.equal(result.stderr, '');
    assert.equal(result.stdout, 'ran\nrc=0\n');
  });

  it('7. with HOME="" and no writable nohup.out, says so twice, as GNU does', { skip: !IS_ROOT && 'needs root to become nobody' }, async (t) => {
    const result = await likeGnu(t, 'HOME= $N true; echo "rc=$?"', { asNobody: true });
    assert.equal(result.shown, "nohup: failed to open 'nohup.out': Permission denied\n".repeat(2) + 'rc=125\n');
  });

  it('8. exits with the command status after its terminal hung up, instead of aborting', async (t) => {
    const dir = makeTempDir(t);
    const reaper = new Reaper();
    t.after(() => reaper.reap());
    // A shell that outlives the hangup waits for tnohup and records its status.
    fs.writeFileSync(
      path.join(dir, 'scenario.sh'),
      [
        "trap '' HUP",
        `${sh(TNOHUP)} sh -c 'touch started; while [ ! -e go ]; do sleep 0.02; done; exit 3' &`,
        'echo $! > tnohup.pid',
        "echo RE''ADY",
        'wait $!',
        'echo "$?" > status.tmp && mv status.tmp status',
      ].join('\n'),
    );
    const script = spawn('script', ['-qec', 'exec bash ./scenario.sh', '/dev/null'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
    reaper.track(script.pid!);
    let shown = '';
    script.stdout.on('data', (chunk) => (shown += chunk));
    // The command runs: tnohup's SIGHUP listener is in place by then.
    await waitFor(() => shown.includes('READY') && fs.existsSync(path.join(dir, 'started')), 'the command to be running');
    const tnohupPid = Number(fs.readFileSync(path.join(dir, 'tnohup.pid'), 'utf8'));
    reaper.track(tnohupPid);
    process.kill(script.pid!, 'SIGKILL'); // the terminal's master side closes: a hangup
    await waitFor(() => isDead(script.pid!), 'script to die');
    fs.writeFileSync(path.join(dir, 'go'), '');
    const status = await waitFor(() => fs.existsSync(path.join(dir, 'status')) && fs.readFileSync(path.join(dir, 'status'), 'utf8'), 'the status');
    assert.equal(status, '3\n', 'not 134 (SIGABRT) or 139 (SIGSEGV)');
  });
});

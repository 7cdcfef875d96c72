import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { binsForNobody, fixture, TNOHUP } from '../helpers/paths';
import { isDead, isRunning, procState, procStatusField, readPid, Reaper, sleep, waitFor } from '../helpers/processes';
import { run, runInPty, sh } from '../helpers/run';
import { IS_ROOT, makeTempDir } from '../helpers/tmp';

const T = sh(TNOHUP);

describe('tnohup on a terminal', { concurrency: true }, () => {
  it('survives a terminal hangup that kills a plain background job', async (t) => {
    const dir = makeTempDir(t);
    const reaper = new Reaper();
    t.after(() => reaper.reap());
    // A non-interactive bash leading the terminal's session: every job is in
    // the foreground group, so the hangup reaches each one (node-facts.md §7).
    fs.writeFileSync(
      path.join(dir, 'scenario.sh'),
      [
        'sleep 1000 & echo $! > plain.pid',
        `${T} -p cmd.pid sleep 1000 & echo $! > tnohup.pid`,
        `${T} -p handler.pid ${sh(fixture('hup-handler.js'))} & echo $! > tnohup2.pid`,
        'while ! grep -q started nohup.out 2>/dev/null || [ ! -s cmd.pid ]; do sleep 0.02; done',
        "echo RE''ADY",
        'sleep 1000',
      ].join('\n'),
    );
    const script = spawn('script', ['-qec', 'exec bash ./scenario.sh', '/dev/null'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SHELL: '/bin/sh' },
    });
    reaper.track(script.pid);
    let shown = '';
    script.stdout.on('data', (chunk) => (shown += chunk));
    await waitFor(() => shown.includes('READY'), 'the scenario to be ready', 10000);
    const pids = Object.fromEntries(
      ['plain', 'cmd', 'tnohup', 'handler', 'tnohup2'].map((name) => [name, readPid(path.join(dir, `${name}.pid`))!]),
    );
    reaper.track(...Object.values(pids));

    process.kill(script.pid!, 'SIGKILL'); // closes the terminal's master side: a hangup
    await waitFor(() => isDead(pids.plain), 'the plain background job to die of the hangup');
    await sleep(300); // a process killed by the same hangup would be dead by now

    assert.ok(isRunning(pids.cmd), `the command under tnohup survived (state ${procState(pids.cmd)})`);
    assert.ok(isRunning(pids.handler), 'a command with its own SIGHUP handler survived: its session is its own');
    assert.ok(isRunning(pids.tnohup), 'tnohup itself survived the hangup');
    assert.ok(isRunning(pids.tnohup2), 'the second tnohup survived the hangup');
    const output = fs.readFileSync(path.join(dir, 'nohup.out'), 'utf8');
    assert.match(output, /started/);
    assert.doesNotMatch(output, /got-hup/);

    // tnohup still relays: TERM to it ends the command, then tnohup itself.
    process.kill(pids.tnohup, 'SIGTERM');
    await waitFor(() => isDead(pids.cmd) && isDead(pids.tnohup), 'tnohup and its command to end after TERM');
    await waitFor(() => !fs.existsSync(path.join(dir, 'cmd.pid')), 'the pidfile to be removed');
  });

  it('appends output to nohup.out, created 0600 whatever the umask, and says so', async (t) => {
    const dir = makeTempDir(t);
    const result = await runInPty(`umask 000; ${T} sh -c 'echo to-out; echo to-err >&2'; echo "rc=$?"`, { cwd: dir });
    assert.equal(result.stdout, "tnohup: ignoring input and appending output to 'nohup.out'\nrc=0\n");
    const file = path.join(dir, 'nohup.out');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.readFileSync(file, 'utf8'), 'to-out\nto-err\n');

    // A second run appends; an existing file keeps its own mode.
    fs.chmodSync(file, 0o640);
    await runInPty(`${T} echo again`, { cwd: dir });
    assert.equal(fs.readFileSync(file, 'utf8'), 'to-out\nto-err\nagain\n');
    assert.equal(fs.statSync(file).mode & 0o777, 0o640);
  });

  it('gives the command an unreadable stdin when stdin is a terminal', async (t) => {
    const dir = makeTempDir(t);
    await runInPty(`${T} sh -c 'readlink /proc/self/fd/0; if read line; then echo read-ok; else echo read-failed; fi'`, { cwd: dir });
    assert.equal(fs.readFileSync(path.join(dir, 'nohup.out'), 'utf8'), '/dev/null\nread-failed\n');
  });

  it('leaves a non-terminal stdin alone and opens no nohup.out when stdout is not a terminal', async (t) => {
    const dir = makeTempDir(t);
    const result = await run(TNOHUP, ['cat'], { cwd: dir, input: 'hi\n' });
    assert.equal(result.code, 0);
    assert.equal(result.stdout, 'hi\n');
    assert.equal(result.stderr, '');
    assert.ok(!fs.existsSync(path.join(dir, 'nohup.out')));
  });

  it('sends stderr where stdout goes when only stderr is a terminal', async (t) => {
    const dir = makeTempDir(t);
    const result = await runInPty(`${T} sh -c 'echo O; echo E >&2' > out.txt`, { cwd: dir });
    assert.equal(result.stdout, 'tnohup: ignoring input and redirecting stderr to stdout\n');
    assert.equal(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8'), 'O\nE\n');
    assert.ok(!fs.existsSync(path.join(dir, 'nohup.out')));
  });

  it('says only "ignoring input" when stdout and stderr are not terminals', async (t) => {
    const dir = makeTempDir(t);
    const result = await runInPty(`${T} echo x > out.txt 2> err.txt; cat err.txt`, { cwd: dir });
    assert.equal(result.stdout, 'tnohup: ignoring input\n');
  });

  it('reports a missing command on the original terminal, not in nohup.out', async (t) => {
    const dir = makeTempDir(t);
    const result = await runInPty(`${T} no-such-command-xyz; echo "rc=$?"`, { cwd: dir });
    assert.equal(
      result.stdout,
      "tnohup: ignoring input and appending output to 'nohup.out'\n" +
        "tnohup: failed to run command 'no-such-command-xyz': No such file or directory\nrc=127\n",
    );
    assert.equal(fs.readFileSync(path.join(dir, 'nohup.out'), 'utf8'), '');
  });

  it('falls back to $HOME/nohup.out when the current directory is not writable', { skip: !IS_ROOT && 'needs root to become nobody' }, async (t) => {
    const dir = makeTempDir(t);
    const home = path.join(dir, 'home');
    fs.mkdirSync(home);
    fs.chownSync(home, 65534, 65534);
    const locked = path.join(dir, 'locked');
    fs.mkdirSync(locked, 0o755);
    const tnohup = sh(binsForNobody(dir).tnohup);
    const result = await runInPty(
      `cd ${sh(locked)} && HOME=${sh(home)} setpriv --reuid=65534 --regid=65534 --clear-groups ${tnohup} echo fallback; echo "rc=$?"`,
    );
    assert.equal(result.stdout, `tnohup: ignoring input and appending output to '${home}/nohup.out'\nrc=0\n`);
    assert.equal(fs.readFileSync(path.join(home, 'nohup.out'), 'utf8'), 'fallback\n');
    assert.equal(fs.statSync(path.join(home, 'nohup.out')).mode & 0o777, 0o600);
  });

  it('exits 125 without running the command when no output file can be opened', { skip: !IS_ROOT && 'needs root to become nobody' }, async (t) => {
    const dir = makeTempDir(t);
    const locked = path.join(dir, 'locked');
    fs.mkdirSync(locked, 0o755);
    const open = path.join(dir, 'open');
    fs.mkdirSync(open, 0o777);
    fs.chmodSync(open, 0o777);
    const marker = path.join(open, 'ran');
    const tnohup = sh(binsForNobody(dir).tnohup);
    const asNobody = `cd ${sh(locked)} && HOME=${sh(locked)} setpriv --reuid=65534 --regid=65534 --clear-groups`;
    const result = await runInPty(`${asNobody} ${tnohup} touch ${sh(marker)}; echo "rc=$?"`);
    assert.equal(
      result.stdout,
      "tnohup: failed to open 'nohup.out': Permission denied\n" +
        `tnohup: failed to open '${locked}/nohup.out': Permission denied\nrc=125\n`,
    );
    assert.ok(!fs.existsSync(marker), 'the command did not run');
    const posix = await runInPty(`${asNobody} env POSIXLY_CORRECT=1 ${tnohup} touch ${sh(marker)}; echo "rc=$?"`);
    assert.match(posix.stdout, /rc=127\n$/);
  });

  it('-o FILE on a terminal appends there and names it', async (t) => {
    const dir = makeTempDir(t);
    const result = await runInPty(`${T} -o app.log sh -c 'echo O; echo E >&2'`, { cwd: dir });
    assert.equal(result.stdout, "tnohup: ignoring input and appending output to 'app.log'\n");
    assert.equal(fs.readFileSync(path.join(dir, 'app.log'), 'utf8'), 'O\nE\n');
    assert.ok(!fs.existsSync(path.join(dir, 'nohup.out')));
  });
});

describe('tnohup without a terminal', { concurrency: true }, () => {
  it('leaves SIGHUP ignored in the command and nothing else ignored or blocked', async (t) => {
    const dir = makeTempDir(t);
    const result = await run(TNOHUP, ['grep', '-E', '^Sig(Ign|Blk)', '/proc/self/status'], { cwd: dir });
    assert.equal(result.code, 0);
    assert.equal(result.stdout, 'SigBlk:\t0000000000000000\nSigIgn:\t0000000000000001\n');
  });

  it('keeps the command alive through kill -HUP, in a session of its own', async (t) => {
    const dir = makeTempDir(t);
    const reaper = new Reaper();
    t.after(() => reaper.reap());
    const pidfile = path.join(dir, 'cmd.pid');
    const done = run(TNOHUP, ['-p', pidfile, 'sleep', '1000'], { cwd: dir, onSpawn: (pid) => reaper.track(pid) });
    const pid = await waitFor(() => readPid(pidfile), 'the pidfile');
    reaper.track(pid);
    assert.equal(procStatusField(pid, 'SigIgn'), '0000000000000001');
    process.kill(pid, 'SIGHUP'); // an ignored signal is discarded when sent
    assert.ok(isRunning(pid), 'the command is still running after SIGHUP');
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    assert.equal(Number(fields[3]), pid, 'the command leads its own session');
    assert.equal(Number(fields[2]), pid, 'the command leads its own process group');
    process.kill(pid, 'SIGTERM');
    const result = await done;
    assert.equal(result.signal, 'SIGTERM', 'tnohup died of the same signal as its command');
  });

  it('exits with the command status, and 126/127 for commands that cannot run', async (t) => {
    const dir = makeTempDir(t);
    assert.equal((await run(TNOHUP, ['sh', '-c', 'exit 42'], { cwd: dir })).code, 42);
    const missing = await run(TNOHUP, ['./nope'], { cwd: dir });
    assert.equal(missing.code, 127);
    assert.equal(missing.stderr, "tnohup: failed to run command './nope': No such file or directory\n");
    fs.writeFileSync(path.join(dir, 'plain.txt'), 'echo hi\n', { mode: 0o644 });
    const notExecutable = await run(TNOHUP, ['./plain.txt'], { cwd: dir });
    assert.equal(notExecutable.code, 126);
    assert.equal(notExecutable.stderr, "tnohup: failed to run command './plain.txt': Permission denied\n");
    const directory = await run(TNOHUP, [dir], { cwd: dir });
    assert.equal(directory.code, 126);
  });

  it('dies of the signal that killed the command', async (t) => {
    const dir = makeTempDir(t);
    for (const signal of ['SIGKILL', 'SIGSEGV', 'SIGPIPE', 'SIGTERM'] as const) {
      const result = await run(TNOHUP, ['sh', '-c', `kill -${signal.slice(3)} $$`], { cwd: dir });
      assert.equal(result.signal, signal, `died of ${signal}`);
    }
    // sh cannot un-ignore SIGHUP, but node resets it at startup.
    const hup = await run(TNOHUP, [process.execPath, '-e', "process.kill(process.pid, 'SIGHUP')"], { cwd: dir });
    assert.equal(hup.signal, 'SIGHUP', 'died of SIGHUP');
  });

  it('stops parsing options at the command and passes arguments byte for byte', async (t) => {
    const dir = makeTempDir(t);
    const nasty = ['a b', '"q"', "it's", 'line1\nline2', '$(echo PWNED)', '`id`', '-la', '--', '*', '', '$HOME', '\\back', '--help', '-p', '-o', 'é☃'];
    const result = await run(TNOHUP, [fixture('print-args.js'), ...nasty], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), nasty);
    // Bytes that are not valid UTF-8 arrive as they were given.
    const bytes = await run('sh', ['-c', `${T} printf '%s|' "$(printf 'a\\377b')" "$(printf '\\376\\n\\n.')" | od -An -tx1`], { cwd: dir });
    assert.equal(bytes.code, 0, bytes.stderr);
    assert.equal(bytes.stdout.trim().replace(/\s+/g, ' '), '61 ff 62 7c fe 0a 0a 2e 7c');
    const afterDashes = await run(TNOHUP, ['--', fixture('print-args.js'), '--version'], { cwd: dir });
    assert.deepEqual(JSON.parse(afterDashes.stdout), ['--version']);
    const ls = await run(TNOHUP, ['ls', '-a', '--', '.'], { cwd: dir });
    assert.equal(ls.stdout, '.\n..\n');
    const noPath = await run('env', ['-u', 'PATH', TNOHUP, 'echo', 'no PATH'], { cwd: dir });
    assert.equal(noPath.stdout, 'no PATH\n', 'without PATH the command is found in /bin:/usr/bin');
  });

  it('writes the command pid to the pidfile and removes it when the command exits', async (t) => {
    const dir = makeTempDir(t);
    const reaper = new Reaper();
    t.after(() => reaper.reap());
    const pidfile = path.join(dir, 'app.pid');
    const gate = path.join(dir, 'gate');
    const done = run(TNOHUP, ['-p', pidfile, 'sh', '-c', `while [ ! -e ${sh(gate)} ]; do sleep 0.02; done; exit 3`], {
      cwd: dir,
      onSpawn: (pid) => reaper.track(pid),
    });
    const pid = await waitFor(() => readPid(pidfile), 'the pidfile');
    reaper.track(pid);
    assert.equal(fs.readFileSync(pidfile, 'utf8'), `${pid}\n`);
    assert.equal(fs.statSync(pidfile).mode & 0o777, 0o644);
    assert.match(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /^sh\0-c\0/, 'the pid is the command, not tnohup');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['app.pid', 'app.state'], 'no temporary file is left; the record is beside the pidfile');
    fs.writeFileSync(gate, '');
    assert.equal((await done).code, 3);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['gate'], 'the pidfile and its record are gone');
  });

  it('leaves a pidfile that another process has rewritten', async (t) => {
    const dir = makeTempDir(t);
    const pidfile = path.join(dir, 'app.pid');
    // The command waits until tnohup has published its pid, then overwrites it.
    const script = `until [ "$(cat ${sh(pidfile)} 2>/dev/null)" = "$$" ]; do sleep 0.01; done; echo 999999 > ${sh(pidfile)}`;
    const result = await run(TNOHUP, ['-p', pidfile, 'sh', '-c', script], { cwd: dir });
    assert.equal(result.code, 0);
    assert.equal(fs.readFileSync(pidfile, 'utf8'), '999999\n');
  });

  it('takes option values in the same word, as getopt does: -pFILE, -oFILE, --pidfile=FILE', async (t) => {
    const dir = makeTempDir(t);
    const result = await run(TNOHUP, ['-papp.pid', '-oout.log', 'sh', '-c', 'until [ -s app.pid ]; do sleep 0.01; done; cat app.pid; echo "$$"'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const [written, own] = fs.readFileSync(path.join(dir, 'out.log'), 'utf8').trim().split('\n');
    assert.equal(written, own, 'the pidfile named the command while it ran');
    const long = await run(TNOHUP, ['--pidfile=b.pid', '--output=b.log', 'sh', '-c', 'until [ -s b.pid ]; do sleep 0.01; done; cat b.pid'], { cwd: dir });
    assert.equal(long.code, 0, long.stderr);
    assert.match(fs.readFileSync(path.join(dir, 'b.log'), 'utf8'), /^\d+\n$/);
  });

  it('exits 125 without running the command when the pidfile cannot be written', async (t) => {
    const dir = makeTempDir(t);
    const marker = path.join(dir, 'ran');
    const result = await run(TNOHUP, ['-p', path.join(dir, 'missing', 'app.pid'), 'touch', marker], { cwd: dir });
    assert.equal(result.code, 125);
    assert.equal(result.stderr, `tnohup: cannot write pidfile '${dir}/missing/app.pid': No such file or directory\n`);
    assert.ok(!fs.existsSync(marker));
    const isDir = await run(TNOHUP, ['-p', dir, 'touch', marker], { cwd: dir });
    assert.equal(isDir.code, 125);
    assert.equal(isDir.stderr, `tnohup: cannot write pidfile '${dir}': Is a directory\n`);
    assert.ok(!fs.existsSync(marker));
  });

  it('-o FILE without a terminal appends quietly, created 0600', async (t) => {
    const dir = makeTempDir(t);
    const result = await run('sh', ['-c', `umask 0; ${T} -o out.log echo hello`], { cwd: dir });
    assert.equal(result.code, 0);
    assert.equal(result.stderr, '');
    assert.equal(result.stdout, '');
    assert.equal(fs.readFileSync(path.join(dir, 'out.log'), 'utf8'), 'hello\n');
    assert.equal(fs.statSync(path.join(dir, 'out.log')).mode & 0o777, 0o600);
    const bad = await run(TNOHUP, ['-o', path.join(dir, 'no', 'x.log'), 'true'], { cwd: dir });
    assert.equal(bad.code, 125);
    assert.equal(bad.stderr, `tnohup: failed to open '${dir}/no/x.log': No such file or directory\n`);
  });

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const) {
    it(`forwards ${signal} to the command`, async (t) => {
      const dir = makeTempDir(t);
      const reaper = new Reaper();
      t.after(() => reaper.reap());
      const record = path.join(dir, 'got');
      let tnohupPid = 0;
      const done = run(TNOHUP, [fixture('trap-signals.sh'), record], {
        cwd: dir,
        onSpawn: (pid) => {
          tnohupPid = pid;
          reaper.track(pid);
        },
      });
      await waitFor(() => fs.existsSync(`${record}.ready`), 'the command to set its traps');
      process.kill(tnohupPid, signal);
      const result = await done;
      const expectedCode = { SIGINT: 11, SIGTERM: 12, SIGQUIT: 13, SIGUSR1: 14, SIGUSR2: 15 }[signal];
      assert.equal(result.code, expectedCode);
      assert.equal(fs.readFileSync(record, 'utf8'), `${signal.slice(3)}\n`);
    });
  }

  it("rejects bad options in getopt's words plus a Try line, status 125, or 127 under POSIXLY_CORRECT", async (t) => {
    const dir = makeTempDir(t);
    const tryLine = "Try 'tnohup --help' for more information.\n";
    const cases: Array<[string[], string]> = [
      [['--bogus', 'true'], "tnohup: unrecognized option '--bogus'\n"],
      [['-x', 'true'], "tnohup: invalid option -- 'x'\n"],
      [[], 'tnohup: missing operand\n'],
      [['--'], 'tnohup: missing operand\n'],
      [['-p'], "tnohup: option requires an argument -- 'p'\n"],
      [['--output'], "tnohup: option '--output' requires an argument\n"],
      [['--help=false'], "tnohup: option '--help' doesn't allow an argument\n"],
    ];
    for (const [args, message] of cases) {
      const result = await run(TNOHUP, args, { cwd: dir });
      assert.equal(result.code, 125, args.join(' '));
      assert.equal(result.stderr, message + tryLine);
      const posix = await run(TNOHUP, args, { cwd: dir, env: { ...process.env, POSIXLY_CORRECT: '1' } });
      assert.equal(posix.code, 127);
    }
  });

  it('--help and --version exit 0', async () => {
    const help = await run(TNOHUP, ['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: tnohup \[OPTION\]\.\.\. \[--\] COMMAND \[ARG\]\.\.\./);
    const version = await run(TNOHUP, ['--version']);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^tnohup \d+\.\d+\.\d+\n$/);
  });
});

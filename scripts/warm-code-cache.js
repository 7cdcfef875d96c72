// Writes dist/tnohup.js.cache, dist/tdaemon.js.cache and dist/tdaemon-ctl.js.cache (see bin/launch.js)
// by running the commands the way users do. Each run starts from the cache
// the previous one wrote and adds what it compiled, so the last cache holds
// the code of every verb run here.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
for (const name of ['tnohup', 'tdaemon', 'tdaemon-ctl']) fs.rmSync(path.join(root, 'dist', `${name}.js.cache`), { force: true });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tnohup-build-'));
const pidfile = path.join(dir, 'warm.pid');
const conf = path.join(dir, 'warm.conf');
const runs = [
  ['tnohup', ['--help']],
  ['tnohup', ['-o', path.join(dir, 'out'), 'true']],
  ['tdaemon', ['--help']],
  ['tdaemon', ['--pidfile', pidfile, 'status']],
  ['tdaemon', ['--pidfile', pidfile, 'start', '--wait', '0', '--', 'sleep', '30']],
  ['tdaemon', ['--pidfile', pidfile, 'status']],
  ['tdaemon', ['--pidfile', pidfile, 'reload', '--reload-signal', 'CONT']],
  ['tdaemon', ['--pidfile', pidfile, 'logs', '-n', '1']],
  ['tdaemon', ['--pidfile', pidfile, 'stop']],
  ['tdaemon', ['--pidfile', pidfile, 'start', '--wait', '0', '--', 'sleep', '30']],
  ['tdaemon', ['--pidfile', pidfile, 'stop']],
  // Supervisor mode (tdaemon-ctl.js.cache): no supervisor answers, then one
  // does, so that the client's reading of responses is cached too; the
  // plain form is run by bin/launch.js directly, the one with an option by
  // the CLI's parser.
  ['tdaemon', ['-c', conf, 'status']],
  ['tdaemon', ['-c', conf, 'up']],
  ['tdaemon', ['-c', conf, 'status']],
  ['tdaemon', ['-c', conf, 'status', '--json']],
  ['tdaemon', ['-c', conf, 'pid', 'warm']],
  ['tdaemon', ['-c', conf, 'shutdown']],
];
fs.writeFileSync(
  conf,
  `[unix_http_server]\nfile=${dir}/warm.sock\n[supervisord]\npidfile=${dir}/warm-supervisor.pid\nlogfile=${dir}/warm.log\nchildlogdir=${dir}\n` +
    `[supervisorctl]\nserverurl=unix://${dir}/warm.sock\n[program:warm]\ncommand=sleep 30\nstartsecs=0\n`,
);
try {
  for (const [name, args] of runs) {
    spawnSync(path.join(root, 'bin', name), args, {
      cwd: dir,
      stdio: 'ignore',
      env: { ...process.env, TNOHUP_WRITE_CODE_CACHE: '1' },
      timeout: 20000,
    });
  }
} finally {
  endSupervisor(path.join(dir, 'warm-supervisor.pid'));
  fs.rmSync(dir, { recursive: true, force: true });
}

/** If the warm-up's supervisor still runs (its shutdown failed), ends it by its pid; it stops its program. */
function endSupervisor(file) {
  let pid;
  try {
    pid = Number(fs.readFileSync(file, 'utf8').trim());
  } catch {
    return; // never started, or shut down
  }
  try {
    if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

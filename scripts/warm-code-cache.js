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
  // No supervisor answers: the config is read and the client connects (tdaemon-ctl.js.cache).
  ['tdaemon', ['-c', path.join(dir, 'warm.conf'), 'status']],
];
fs.writeFileSync(path.join(dir, 'warm.conf'), `[unix_http_server]\nfile=${dir}/warm.sock\n[supervisorctl]\nserverurl=unix://${dir}/warm.sock\n[program:warm]\ncommand=sleep 30\n`);
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
  fs.rmSync(dir, { recursive: true, force: true });
}

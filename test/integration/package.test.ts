import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers/paths';
import { Reaper, readPid } from '../helpers/processes';
import { run } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

/**
 * What `npm pack` makes is what users install: yargs, proper-lockfile and
 * signal-exit are bundled into dist/, so the package needs no runtime
 * package at all. Packed from the built checkout (npm test builds first),
 * installed offline into a prefix of its own with --omit=dev, and run.
 */
describe('the npm package', () => {
  it('installs with no runtime package (offline, --omit=dev), and its commands run', async (t) => {
    const reaper = new Reaper();
    t.after(() => reaper.reap());
    const dir = makeTempDir(t, 'tdaemon-package-');
    // --ignore-scripts: the checkout is built already, and a build now would
    // rewrite dist/ under the tests that run meanwhile.
    const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, timeoutMs: 60000 });
    assert.equal(pack.code, 0, pack.stderr);
    const [packed] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = packed.files.map((f) => f.path);
    for (const needed of ['bin/tdaemon', 'bin/tnohup', 'bin/launch.js', 'dist/tdaemon.js', 'dist/tdaemon-help.js', 'dist/tdaemon-watchdog.js', 'man/tdaemon.1', 'package.json']) {
      assert.ok(files.includes(needed), `the package holds ${needed}`);
    }
    assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('test/')), 'no sources or tests');
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies?: object };
    assert.deepEqual(Object.keys(manifest.dependencies ?? {}), [], 'no runtime dependency is declared');

    const prefix = path.join(dir, 'prefix');
    const install = await run(
      'npm',
      ['install', '--global', '--prefix', prefix, '--omit=dev', '--offline', '--no-audit', '--no-fund', path.join(dir, packed.filename)],
      { cwd: dir, timeoutMs: 120000 },
    );
    assert.equal(install.code, 0, install.stderr);
    assert.match(install.stdout, /added 1 package\b/);
    const installed = path.join(prefix, 'lib', 'node_modules', 'tnohup');
    assert.ok(!fs.existsSync(path.join(installed, 'node_modules')), 'no package was installed beside it');

    const tdaemon = path.join(prefix, 'bin', 'tdaemon');
    const tnohup = path.join(prefix, 'bin', 'tnohup');
    assert.match((await run(tdaemon, ['--version'], { cwd: dir })).stdout, /^tdaemon \d/);
    assert.equal((await run(tnohup, ['echo', 'hello'], { cwd: dir })).stdout, 'hello\n');
    // --help loads the bundle that carries yargs.
    const help = await run(tdaemon, ['start', '--help'], { cwd: dir });
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /--log FILE/);
    // A watched daemon: the watchdog's bundle, and proper-lockfile's lock.
    const pidfile = path.join(dir, 'app.pid');
    const start = await run(tdaemon, ['--pidfile', pidfile, 'start', '--respawn', '--wait', '0.3', '--', 'sleep', '300'], { cwd: dir });
    reaper.track(readPid(pidfile));
    assert.equal(start.code, 0, start.stderr);
    assert.equal((await run(tdaemon, ['--pidfile', pidfile, 'status'], { cwd: dir })).code, 0);
    const stop = await run(tdaemon, ['--pidfile', pidfile, 'stop'], { cwd: dir });
    assert.equal(stop.code, 0, stop.stderr);
  });
});

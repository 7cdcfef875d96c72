import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cgroup2Mount, daemonCgroup, joiningShellArgv, pathHash } from '../../src/os/cgroup';
import { familyMembers } from '../../src/os/family';

// Lines of /proc/self/mountinfo as a hybrid machine (cgroup v1 controllers,
// cgroup2 at /sys/fs/cgroup/unified) and a unified one print them.
const HYBRID = [
  '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
  '40 31 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
].join('\n');
const UNIFIED = '29 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate';
const V1_ONLY = '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu';

describe('the cgroup of a daemon', () => {
  for (const [name, mountinfo, mount] of [
    ['hybrid', HYBRID, '/sys/fs/cgroup/unified'],
    ['unified', UNIFIED, '/sys/fs/cgroup'],
    ['cgroup v1 only: none', V1_ONLY, null],
    ['an escaped mount point', '40 31 0:37 / /mnt/cg\\040two rw - cgroup2 cgroup2 rw', '/mnt/cg two'],
  ] as const) {
    it(`finds the cgroup2 mount: ${name}`, () => assert.equal(cgroup2Mount(mountinfo), mount));
  }

  it('is named after the pidfile, by its base name and a hash of its whole path', () => {
    const dir = daemonCgroup('/run/tdaemon/web.pid', '/sys/fs/cgroup');
    assert.equal(dir, `/sys/fs/cgroup/tdaemon/web.pid-${pathHash('/run/tdaemon/web.pid')}`);
    assert.match(pathHash('/x'), /^[0-9a-f]{16}$/);
    assert.notEqual(daemonCgroup('/srv/a/web.pid', '/m'), daemonCgroup('/srv/b/web.pid', '/m'));
    assert.equal(daemonCgroup('/srv/odd name\n.pid', '/m')?.startsWith('/m/tdaemon/odd_name_.pid-'), true);
    assert.equal(daemonCgroup('/run/web.pid', null), null);
  });
});

describe("a forking server's family: the descendants of its main process", () => {
  const stat = (pid: number, ppid: number, session: number, startTicks: string) => ({ pid, ppid, pgrp: session, session, state: 'S', startTicks });
  const all = [
    stat(1, 0, 1, '1'),
    stat(500, 1, 500, '100'), // the main process
    stat(501, 500, 500, '101'), // a worker in its session
    stat(502, 500, 502, '102'), // a child that made a session of its own
    stat(503, 502, 502, '103'), // and its child
    stat(600, 1, 600, '90'), // a stranger, older
    stat(601, 600, 600, '104'), // the stranger's child
  ];

  it('finds every descendant, whatever its session, and no stranger', () => {
    const pids = familyMembers({ descendantsOf: { pid: 500, startTicks: '100' } }, all).map((m) => m.pid);
    assert.deepEqual(pids.sort(), [501, 502, 503]);
  });

  it('finds nothing when the pid now names another process', () => {
    assert.deepEqual(familyMembers({ descendantsOf: { pid: 500, startTicks: '99' } }, all), []);
  });
});

describe('the shell that joins its group itself', () => {
  it('writes its own pid to the group, then execs the command in place with its arguments (the same pid)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tdaemon-join-'));
    try {
      const procs = path.join(dir, 'cgroup.procs');
      const out = execFileSync('/bin/sh', joiningShellArgv(procs, 'sh', ['-c', 'echo $$ "$0" "$1"', 'zero', 'one two']), { encoding: 'utf8' });
      const written = fs.readFileSync(procs, 'utf8').trim();
      assert.equal(out, `${written} zero one two\n`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs the command all the same when the join fails, saying nothing', () => {
    const out = execFileSync('/bin/sh', joiningShellArgv('/nonexistent/cgroup.procs', 'echo', ['ran']), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.equal(out, 'ran\n');
  });
});

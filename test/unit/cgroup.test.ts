import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cgroup2Mount, daemonCgroup, pathHash } from '../../src/os/cgroup';

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

import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OwnedPath } from '../../src/model/owned-path';
import { distrustReason, firstDistrust } from '../../src/policy/file-trust';

const file = (uid: number, mode: number): OwnedPath => ({ path: '/srv/app/app.pid', uid, mode, isDirectory: false });
const dir = (uid: number, mode: number): OwnedPath => ({ path: '/srv/app', uid, mode, isDirectory: true });

// [case, entry, reason or null]
const table: Array<[string, OwnedPath, string | null]> = [
  ["root's pidfile, 0644", file(0, 0o644), null],
  ["root's pidfile, 0600", file(0, 0o600), null],
  ["another user's pidfile", file(65534, 0o644), 'it is owned by uid 65534, not root'],
  ["root's pidfile, group-writable", file(0, 0o664), 'it is writable by group or others (mode 0664)'],
  ["root's pidfile, world-writable", file(0, 0o666), 'it is writable by group or others (mode 0666)'],
  ["a sticky bit does not make a file safe", file(0, 0o1666), 'it is writable by group or others (mode 1666)'],
  ["root's directory, 0755", dir(0, 0o755), null],
  ["root's directory, 0700 (mkdtemp)", dir(0, 0o700), null],
  ["root's sticky world-writable directory (/tmp)", dir(0, 0o1777), null],
  ["root's group-writable directory", dir(0, 0o775), 'its directory /srv/app is writable by group or others (mode 0775)'],
  ["root's world-writable directory without the sticky bit", dir(0, 0o777), 'its directory /srv/app is writable by group or others (mode 0777)'],
  ["the app user's directory (the README's /srv/app)", dir(1000, 0o755), 'its directory /srv/app is owned by uid 1000, not root'],
  ["another user's sticky directory", dir(1000, 0o1777), 'its directory /srv/app is owned by uid 1000, not root'],
];

describe('root acts only on files only root can write', () => {
  for (const [name, entry, reason] of table) {
    it(name, () => assert.equal(distrustReason(entry), reason));
  }

  it('the first distrusted path is named, files before directories', () => {
    assert.equal(firstDistrust([file(0, 0o644), dir(0, 0o755)]), null);
    assert.deepEqual(firstDistrust([file(0, 0o644), dir(1000, 0o755), { ...dir(0, 0o777), path: '/srv' }]), {
      path: '/srv/app',
      reason: 'its directory /srv/app is owned by uid 1000, not root',
    });
  });
});

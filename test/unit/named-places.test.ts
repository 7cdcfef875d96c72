import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { namedPlaces } from '../../src/model/daemon-paths';

describe('namedPlaces: where --name keeps files, from the uid and its own home only', () => {
  const table: Array<[number, string | null, string, string]> = [
    [0, null, '/run/tdaemon', '/var/log/tdaemon'],
    [0, '/root', '/run/tdaemon', '/var/log/tdaemon'],
    [1000, '/home/ann', '/home/ann/.local/state/tdaemon', '/home/ann/.local/state/tdaemon'],
    [1000, '/home/ann/', '/home/ann/.local/state/tdaemon', '/home/ann/.local/state/tdaemon'],
    [65534, null, '/tmp/tdaemon-65534', '/tmp/tdaemon-65534'],
  ];
  for (const [uid, home, pidDir, logDir] of table) {
    it(`uid ${uid}, home ${home}`, () => assert.deepEqual(namedPlaces(uid, home), { pidDir, logDir }));
  }
});

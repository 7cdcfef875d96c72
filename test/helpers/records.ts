import type { PlainRecord } from '../../src/model/record';

/** A plain daemon's record as start writes it; tests override what they look at. */
export function plainRecord(overrides: Partial<PlainRecord> = {}): PlainRecord {
  return {
    format: 1,
    name: 'app',
    pid: 4242,
    startTicks: '1000',
    startedAt: '2026-11-24T00:00:00.000Z',
    command: ['./app', '--port', '8080'],
    cwd: '/srv',
    log: '/srv/app.log',
    errorLog: null,
    env: {},
    umask: null,
    user: null,
    group: null,
    stopSignal: 'SIGTERM',
    stopTimeoutMs: 10000,
    reloadSignal: 'SIGHUP',
    respawn: null,
    watchdog: null,
    ...overrides,
  };
}

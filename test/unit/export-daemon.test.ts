import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig, splitCommand, type ProcessSpec } from '../../src/config';
import type { DaemonRecord, PlainRecord, RespawnPolicy, WatchedRecord } from '../../src/model/record';
import { decideRestart, freshHistory } from '../../src/policy/restart-policy';
import { exportProgramSection, quoteCommand } from '../../src/policy/supervisord-section';
import { exportDaemonUnit } from '../../src/policy/systemd-daemon';
import { fakeDeps, NOBODY } from '../helpers/config-fs';
import { parseUnit, systemdRestarts } from '../helpers/unit-file';
import { plainRecord } from '../helpers/records';

const PLAIN: PlainRecord = plainRecord({ name: 'web', pid: 100, startTicks: '5', startedAt: '2026-11-29T20:00:00.000Z', command: ['server', '--port', '8080'], cwd: '/srv/web', log: '/var/log/web.log', env: { MODE: 'prod' } });

const RESPAWN: RespawnPolicy = { restart: 'on-failure', noRestartExitCodes: [], minUptimeMs: 10000, backoffMaxMs: 30000, maxRestarts: 10, restartWindowMs: 60000 };

function watched(respawn: Partial<RespawnPolicy>, more: Partial<DaemonRecord> = {}): WatchedRecord {
  const watchdog = { state: 'running' as const, childPid: 101, childStartTicks: '6', childStartedAt: null, restarts: 0, lastExit: null, nextRestartAt: null, reason: null, watchdogRssKb: null };
  return { ...PLAIN, ...more, respawn: { ...RESPAWN, ...respawn }, watchdog } as WatchedRecord;
}

type Exit = { code: number } | { signal: string };

/** The watchdog's decision after a long run that ended so. */
function watchdogRestarts(record: WatchedRecord, exit: Exit): boolean {
  const childExit = 'code' in exit ? { code: exit.code, signal: null } : { code: null, signal: exit.signal };
  return decideRestart(record.respawn, freshHistory(), { ...childExit, uptimeMs: 60000, at: 1e6 }).action === 'restart';
}

const FACTS = { pidfile: '/run/web.pid', executable: '/usr/bin/server', kill: '/usr/bin/kill' };

describe('export systemd of a recorded daemon, field by field', () => {
  it('a plain daemon', () => {
    const { file, warnings } = exportDaemonUnit(PLAIN, 'tdaemon', FACTS);
    assert.equal(file.name, 'tdaemon-web.service');
    assert.deepEqual(warnings, []);
    assert.deepEqual(parseUnit(file.text), {
      Unit: [
        ['Description', 'web (tdaemon /run/web.pid)'],
        ['After', 'network.target'],
      ],
      Service: [
        ['Type', 'exec'],
        ['ExecStart', '/usr/bin/server --port 8080'],
        ['WorkingDirectory', '/srv/web'],
        ['Environment', '"MODE=prod"'],
        ['Restart', 'no'],
        ['KillMode', 'control-group'],
        ['KillSignal', 'SIGTERM'],
        ['TimeoutStopSec', '10'],
        ['ExecReload', '/usr/bin/kill -s SIGHUP $MAINPID'],
        ['StandardOutput', 'append:/var/log/web.log'],
        ['StandardError', 'inherit'],
      ],
      Install: [['WantedBy', 'multi-user.target']],
    });
  });

  it('--ready is said to be lost: systemd has no such check', () => {
    const { file, warnings } = exportDaemonUnit({ ...PLAIN, ready: 'tcp:127.0.0.1:8080', readyTimeoutMs: 30000 }, 'tdaemon', FACTS);
    assert.deepEqual(warnings, ['--ready tcp:127.0.0.1:8080: systemd cannot wait for it; Type=exec is ready once the command runs']);
    assert.match(file.text, /^# Not carried over: --ready tcp:127\.0\.0\.1:8080: /m);
  });

  it('--log-max-size is said to be lost: systemd appends, it does not rotate by size', () => {
    const { file, warnings } = exportDaemonUnit(watched({}, { logRotation: { maxBytes: 10 * 1024 * 1024, backups: 3 } }), 'tdaemon', FACTS);
    assert.deepEqual(warnings, ['--log-max-size 10MB --log-backups 3: systemd does not rotate by size; rotate /var/log/web.log with logrotate (copytruncate)']);
    assert.match(file.text, /^# Not carried over: --log-max-size 10MB /m);
    assert.deepEqual(exportDaemonUnit(watched({}, { logRotation: { maxBytes: 0, backups: 10 } }), 'tdaemon', FACTS).warnings, []);
  });

  it('a forking daemon (start --forking --command-pidfile): Type=forking with PIDFile=', () => {
    const record: PlainRecord = { ...PLAIN, command: ['nginx', '-c', '/etc/nginx/nginx.conf'], forking: { commandPidfile: '/run/nginx%.pid', sid: 100, sidStartTicks: '5' } };
    const service = parseUnit(exportDaemonUnit(record, 'tdaemon', FACTS).file.text).Service;
    assert.deepEqual(service.slice(0, 3), [
      ['Type', 'forking'],
      ['PIDFile', '/run/nginx%%.pid'],
      ['ExecStart', '/usr/bin/server -c /etc/nginx/nginx.conf'],
    ]);
  });

  it('a forking daemon as a supervisord section: said not to carry over', () => {
    const record: PlainRecord = { ...PLAIN, forking: { commandPidfile: '/run/nginx.pid', sid: 100, sidStartTicks: '5' } };
    const { warnings } = exportProgramSection(record, '/run/web.pid', '/usr/bin/server');
    assert.deepEqual(warnings, ["--forking --command-pidfile /run/nginx.pid: supervisor runs a program in the foreground; give the command its own foreground option (nginx -g 'daemon off;', redis-server --daemonize no)"]);
  });

  it('a watched daemon with every start option', () => {
    const record = watched(
      { restart: 'always', noRestartExitCodes: [3, 4], minUptimeMs: 5000, backoffMaxMs: 8000, maxRestarts: 4, restartWindowMs: 30000 },
      { errorLog: '/var/log/web.err', umask: 0o27, user: 'nobody', group: 'nogroup', stopSignal: 'SIGINT', stopTimeoutMs: 2500, reloadSignal: 'SIGUSR1' },
    );
    const { file } = exportDaemonUnit(record, 'p', FACTS);
    assert.equal(file.name, 'p-web.service');
    assert.deepEqual(parseUnit(file.text), {
      Unit: [
        ['Description', 'web (tdaemon /run/web.pid)'],
        ['After', 'network.target'],
        ['StartLimitIntervalSec', '30'],
        ['StartLimitBurst', '5'],
      ],
      Service: [
        ['Type', 'exec'],
        ['ExecStart', '/usr/bin/server --port 8080'],
        ['WorkingDirectory', '/srv/web'],
        ['User', 'nobody'],
        ['Group', 'nogroup'],
        ['Environment', '"MODE=prod"'],
        ['UMask', '0027'],
        ['Restart', 'always'],
        ['RestartPreventExitStatus', '3 4'],
        ['RestartSec', '100ms'],
        ['RestartSteps', '7'],
        ['RestartMaxDelaySec', '8'],
        ['KillMode', 'control-group'],
        ['KillSignal', 'SIGINT'],
        ['TimeoutStopSec', '2.5'],
        ['ExecReload', '/usr/bin/kill -s SIGUSR1 $MAINPID'],
        ['StandardOutput', 'append:/var/log/web.log'],
        ['StandardError', 'append:/var/log/web.err'],
      ],
      Install: [['WantedBy', 'multi-user.target']],
    });
  });

  it('restarts after the exits the watchdog restarts after', () => {
    const exits: Exit[] = [{ code: 0 }, { code: 1 }, { code: 3 }, { signal: 'SIGTERM' }, { signal: 'SIGKILL' }];
    for (const respawn of [{ restart: 'on-failure' as const }, { restart: 'always' as const }, { restart: 'on-failure' as const, noRestartExitCodes: [3] }, { restart: 'always' as const, noRestartExitCodes: [3] }]) {
      const record = watched(respawn);
      const unit = exportDaemonUnit(record, 'p', FACTS).file.text;
      for (const exit of exits) {
        const ours = watchdogRestarts(record, exit);
        assert.equal(systemdRestarts(unit, exit), ours, `${JSON.stringify(respawn)} ${JSON.stringify(exit)}`);
      }
    }
  });
});

/** The exported section, read back as supervisord (and tdaemon -c) would read it. */
function roundTrip(record: DaemonRecord, executable = '/usr/bin/server'): { spec: ProcessSpec; text: string; warnings: string[] } {
  const { name, text, warnings } = exportProgramSection(record, '/run/web.pid', executable);
  const file = `/etc/supervisor/conf.d/${name}.conf`;
  const loaded = loadConfig(file, fakeDeps({ files: { [file]: text }, dirs: ['/var/log', '/srv/web'], users: [NOBODY] }));
  assert.deepEqual(loaded.warnings, []);
  return { spec: loaded.config.groups[0].processes[0], text, warnings };
}

/** supervisor's decision after an exit from RUNNING. */
function supervisorRestarts(spec: ProcessSpec, exit: Exit): boolean {
  if (spec.autorestart === 'true') return true;
  if (spec.autorestart === 'false') return false;
  return 'signal' in exit || !spec.exitcodes.includes(exit.code);
}

describe('export supervisord: a recorded daemon as a [program:x] section', () => {
  it('writes the section of a plain daemon', () => {
    const { text } = roundTrip(PLAIN);
    assert.equal(
      text.split('\n').filter((line) => !line.startsWith(';')).join('\n'),
      [
        '[program:web]',
        'command=/usr/bin/server --port 8080',
        'directory=/srv/web',
        'environment=MODE="prod"',
        'autostart=true',
        'autorestart=false',
        'startsecs=1',
        'startretries=0',
        'stopsignal=TERM',
        'stopwaitsecs=10',
        'stdout_logfile=/var/log/web.log',
        'stdout_logfile_maxbytes=0',
        'redirect_stderr=true',
        '',
      ].join('\n'),
    );
  });

  it('reads back with the same command, directory, environment, user, logs and stop', () => {
    const record = watched({}, {
      command: ['server', 'two words', '50%', 'a #b', 'c ;d', "it's", 'say "hi"', 'back\\slash', '', '$HOME', 'é'],
      env: { PLAIN: 'x', SPACES: 'a b', COMMA: 'a,b', DQ: 'say "hi"', SQ: "it's", PCT: '100%', BS: 'C:\\dir', EMPTY: '' },
      errorLog: '/var/log/web.err',
      umask: 0o27,
      user: 'nobody',
      stopSignal: 'SIGINT',
      stopTimeoutMs: 3000,
    });
    const { spec, warnings } = roundTrip(record);
    assert.deepEqual(warnings, []);
    assert.deepEqual(spec.argv, ['/usr/bin/server', ...record.command.slice(1)]);
    assert.equal(spec.directory, record.cwd);
    assert.deepEqual(spec.environment, record.env);
    assert.deepEqual([spec.umask, spec.user?.name, spec.stopsignal, spec.stopwaitsecs], [0o27, 'nobody', 'SIGINT', 3]);
    assert.deepEqual([spec.stdout.logfile, spec.stdout.maxbytes, spec.redirectStderr, spec.stderr.logfile, spec.stderr.maxbytes], ['/var/log/web.log', 0, false, '/var/log/web.err', 0]);
    assert.deepEqual([spec.stopScope, spec.killScope, spec.autostart], ['family', 'family', true]);
  });

  it('keeps the watchdog\'s rotation of both logs', () => {
    const { spec, warnings } = roundTrip(watched({}, { errorLog: '/var/log/web.err', logRotation: { maxBytes: 1048576, backups: 4 } }));
    assert.deepEqual(warnings, []);
    assert.deepEqual([spec.stdout.maxbytes, spec.stdout.backups, spec.stderr.maxbytes, spec.stderr.backups], [1048576, 4, 1048576, 4]);
  });

  it('keeps the restart rules: which exits restart, and the crash-loop limits', () => {
    const exits: Exit[] = [{ code: 0 }, { code: 1 }, { code: 3 }, { signal: 'SIGTERM' }, { signal: 'SIGKILL' }];
    const variants: Array<Partial<RespawnPolicy>> = [
      { restart: 'on-failure' },
      { restart: 'always' },
      { restart: 'on-failure', noRestartExitCodes: [3] },
      { restart: 'always', noRestartExitCodes: [3, 0] },
      { minUptimeMs: 2500, backoffMaxMs: 7000, maxRestarts: 2, restartWindowMs: 15000 },
    ];
    for (const respawn of variants) {
      const record = watched(respawn);
      const { spec } = roundTrip(record);
      for (const exit of exits) {
        const ours = watchdogRestarts(record, exit);
        assert.equal(supervisorRestarts(spec, exit), ours, `${JSON.stringify(respawn)} ${JSON.stringify(exit)}`);
      }
      const r = record.respawn;
      assert.deepEqual(spec.tdaemon, { ...spec.tdaemon, minUptimeSecs: r.minUptimeMs / 1000, backoffMaxSecs: r.backoffMaxMs / 1000, crashLimit: r.maxRestarts, crashWindowSecs: r.restartWindowMs / 1000 });
    }
    const plain = roundTrip(PLAIN).spec;
    assert.deepEqual([plain.autorestart, plain.startretries], ['false', 0]);
  });

  it('says what it cannot carry', () => {
    const record = { ...PLAIN, name: 'my web', group: 'staff', stopTimeoutMs: 2500, env: { A: 'both \' and "' } };
    const { spec, warnings } = roundTrip(record);
    assert.equal(spec.program, 'my_web');
    assert.deepEqual(warnings, [
      "the name 'my web' holds characters a program name may not: it is my_web here",
      "--env A=...: supervisor's environment= cannot hold this pair",
      "--group staff: supervisor runs a program with its user's groups",
      '--stop-timeout 2.5: stopwaitsecs takes whole seconds, 3 here',
    ]);
  });

  it('quotes command words so that shlex gives them back', () => {
    const words = ['a', '', ' lead', 'trail ', 'x\ty', '#', ';', 'a ;b', "'", '"', '\\', '%', '%%(x)s', 'ünï'];
    assert.deepEqual(splitCommand(quoteCommand(words)!.replace(/%%/g, '%')), words);
    assert.equal(quoteCommand(['a\nb']), null);
  });
});

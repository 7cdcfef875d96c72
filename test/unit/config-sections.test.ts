import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, configSearchPath, findDefaultConfig, loadConfig } from '../../src/config';
import { fakeDeps, type FakeWorld } from '../helpers/config-fs';

function load(text: string, extra: Partial<FakeWorld> = {}) {
  return loadConfig('/etc/sv/supervisord.conf', fakeDeps({ files: { '/etc/sv/supervisord.conf': text }, ...extra })).config;
}

function failure(text: string, extra: Partial<FakeWorld> = {}): ConfigError {
  try {
    load(text, extra);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error;
  }
  assert.fail('loaded');
}

describe('[supervisord]', () => {
  it("supervisor's defaults, relative paths from cwd", () => {
    const s = load('[supervisord]\n', { cwd: '/work', env: { TMPDIR: '/var/tmp' }, dirs: ['/var/tmp'] }).supervisord;
    assert.deepEqual(s, {
      logfile: '/work/supervisord.log', logfileMaxbytes: 52428800, logfileBackups: 10, loglevel: 'info',
      pidfile: '/work/supervisord.pid', umask: 0o22, nodaemon: false, silent: false, minfds: 1024, minprocs: 200,
      nocleanup: false, childlogdir: '/var/tmp', user: null, directory: null, stripAnsi: false, environment: {},
      identifier: 'supervisor', tdaemonWaitPriority: false, tdaemonFatalExits: false, explicit: [],
    });
  });

  it('reads every key', () => {
    const s = load(
      '[supervisord]\nlogfile=%(here)s/log/sd.log\nlogfile_maxbytes=1MB\nlogfile_backups=2\nloglevel=DEBUG\npidfile=/run/sd.pid\n' +
        'umask=077\nnodaemon=true\nsilent=true\nminfds=4096\nminprocs=10\nnocleanup=true\nchilddir=x\nchildlogdir=/var/log/sv\n' +
        'user=nobody\ndirectory=/srv\nstrip_ansi=true\nenvironment=A="1"\nidentifier=main\ntdaemon_wait_priority=true\n',
      { dirs: ['/etc/sv/log', '/run', '/var/log/sv', '/srv'] },
    ).supervisord;
    assert.deepEqual(
      [s.logfile, s.logfileMaxbytes, s.logfileBackups, s.loglevel, s.pidfile, s.umask, s.nodaemon, s.silent, s.minfds, s.minprocs, s.nocleanup, s.childlogdir, s.user, s.directory, s.stripAnsi, s.environment, s.identifier, s.tdaemonWaitPriority],
      ['/etc/sv/log/sd.log', 1048576, 2, 'debug', '/run/sd.pid', 0o77, true, true, 4096, 10, true, '/var/log/sv', 'nobody', '/srv', true, { A: '1' }, 'main', true],
    );
    assert.ok(s.explicit.includes('childlogdir') && !s.explicit.includes('childdir'));
  });

  it('logfile=syslog is kept as the word', () => assert.equal(load('[supervisord]\nlogfile=syslog\n').supervisord.logfile, 'syslog'));

  for (const [body, code, key] of [
    ['childlogdir=/nonexistent', 'EDIRECTORY', 'childlogdir'],
    ['directory=/nonexistent', 'EDIRECTORY', 'directory'],
    ['logfile=/nonexistent/sd.log', 'EDIRECTORY', 'logfile'],
    ['pidfile=/nonexistent/sd.pid', 'EDIRECTORY', 'pidfile'],
    ['user=ghost', 'EUSER', 'user'],
    ['loglevel=loud', 'EVALUE', 'loglevel'],
    ['umask=9', 'EVALUE', 'umask'],
    ['minfds=many', 'EVALUE', 'minfds'],
    ['nodaemon=perhaps', 'EVALUE', 'nodaemon'],
  ] as const) {
    it(`refuses ${body}`, () => {
      const error = failure(`[supervisord]\n${body}\n`);
      assert.deepEqual([error.code, error.section, error.key, error.line], [code, 'supervisord', key, 2]);
    });
  }
});

describe('[unix_http_server], [inet_http_server], [supervisorctl], [rpcinterface:x]', () => {
  it('none of them: nulls and empty lists', () => {
    const c = load('');
    assert.deepEqual([c.unixHttpServer, c.inetHttpServers, c.supervisorctl, c.rpcInterfaces], [null, [], null, []]);
  });

  it('the Debian-style main file', () => {
    const c = load(
      '[unix_http_server]\nfile=/var/run/supervisor.sock   ; (the path to the socket file)\nchmod=0700\n\n' +
        '[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n' +
        '[supervisorctl]\nserverurl=unix:///var/run/supervisor.sock\n',
    );
    assert.deepEqual(c.unixHttpServer, {
      file: '/var/run/supervisor.sock', chmod: 0o700, chown: null, username: null, password: null,
      source: { file: '/etc/sv/supervisord.conf', section: 'unix_http_server', line: 1 },
    });
    assert.deepEqual(c.rpcInterfaces, [{ name: 'supervisor', factory: 'supervisor.rpcinterface:make_main_rpcinterface', extras: {} }]);
    assert.deepEqual(c.supervisorctl, { serverurl: 'unix:///var/run/supervisor.sock', prompt: 'supervisor', historyFile: null, username: null, password: null });
  });

  it('relative socket paths, chown, credentials, a {SHA} password', () => {
    const c = load('[unix_http_server]\nfile=%(here)s/run/s.sock\nchmod=0770\nchown=nobody:root\nusername=admin\npassword={SHA}e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4\n[supervisorctl]\nserverurl=unix://run/s.sock\nhistory_file=~/.sc_history\n', { cwd: '/etc/sv' });
    assert.deepEqual([c.unixHttpServer!.file, c.unixHttpServer!.chmod, c.unixHttpServer!.chown, c.unixHttpServer!.username], ['/etc/sv/run/s.sock', 0o770, { uid: 65534, gid: 0 }, 'admin']);
    assert.deepEqual([c.supervisorctl!.serverurl, c.supervisorctl!.historyFile], ['unix:///etc/sv/run/s.sock', '/root/.sc_history']);
  });

  it('[inet_http_server] ports', () => {
    const c = load('[inet_http_server]\nport=127.0.0.1:9001\n[inet_http_server:all]\nport=*:9002\n[inet_http_server:bare]\nport=9003\n');
    assert.deepEqual(c.inetHttpServers.map((s) => [s.name, s.host, s.port]), [[null, '127.0.0.1', 9001], ['all', '', 9002], ['bare', '', 9003]]);
  });

  for (const [text, code, key] of [
    ['[unix_http_server]\nchmod=0700\n', 'EMISSING', 'file'],
    ['[unix_http_server]\nfile=/tmp/s\nchmod=rwx\n', 'EVALUE', 'chmod'],
    ['[unix_http_server]\nfile=/tmp/s\nchown=ghost\n', 'EVALUE', 'chown'],
    ['[unix_http_server]\nfile=/tmp/s\npassword=x\n', 'EMISSING', 'password'],
    ['[inet_http_server]\nusername=a\npassword=b\n', 'EMISSING', 'port'],
    ['[inet_http_server]\nport=127.0.0.1:99999\n', 'EVALUE', 'port'],
    ['[inet_http_server]\nport=127.0.0.1:\n', 'EVALUE', 'port'],
    ['[rpcinterface:supervisor]\nx=1\n', 'EMISSING', 'supervisor.rpcinterface_factory'],
  ] as const) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      const error = failure(text);
      assert.deepEqual([error.code, error.key], [code, key]);
    });
  }

  it('warns about an [rpcinterface:x] other than supervisor', () => {
    const { warnings } = loadConfig('/etc/t.conf', fakeDeps({ files: { '/etc/t.conf': '[rpcinterface:other]\nsupervisor.rpcinterface_factory=x:y\n' } }));
    assert.match(warnings[0].message, /only \[rpcinterface:supervisor\] is served/);
  });
});

describe("supervisord's config search path", () => {
  it('beside the executable, then cwd, then /etc', () => {
    assert.deepEqual(configSearchPath('/usr/bin/supervisord', '/home/me'), [
      '/usr/etc/supervisord.conf',
      '/usr/supervisord.conf',
      '/home/me/supervisord.conf',
      '/home/me/etc/supervisord.conf',
      '/etc/supervisord.conf',
      '/etc/supervisor/supervisord.conf',
    ]);
  });
  it('a relative argv0 is taken from cwd', () => {
    assert.deepEqual(configSearchPath('bin/tdaemon', '/opt/app').slice(0, 2), ['/opt/app/etc/supervisord.conf', '/opt/app/supervisord.conf']);
    assert.deepEqual(configSearchPath('tdaemon', '/opt/app').slice(0, 2), ['/opt/app/etc/supervisord.conf', '/opt/app/supervisord.conf']);
  });
  it('the first that exists wins', () => {
    const paths = configSearchPath('/usr/bin/supervisord', '/home/me');
    assert.equal(findDefaultConfig(paths, (p) => p.startsWith('/etc/')), '/etc/supervisord.conf');
    assert.equal(findDefaultConfig(paths, () => false), undefined);
  });
});

import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, POLICY_DEFAULTS, type ProcessSpec } from '../../src/config';
import { DEFAULTS } from '../../src/policy/defaults';
import { fakeDeps, type FakeWorld } from '../helpers/config-fs';
import { HARRY, SEED } from '../helpers/seed';

// The seed section of issue 10, as users write it.
const SEED_WORLD = { dirs: ['/Users/harryzhang/go/src/server'], users: [HARRY] };

function load(files: Record<string, string>, extra: Partial<FakeWorld> = {}, main = Object.keys(files)[0]) {
  return loadConfig(main, fakeDeps({ files, ...extra }));
}

function processes(files: Record<string, string>, extra: Partial<FakeWorld> = {}): ProcessSpec[] {
  return load(files, extra).config.groups.flatMap((g) => g.processes);
}

function failure(files: Record<string, string>, extra: Partial<FakeWorld> = {}, main?: string): ConfigError {
  try {
    load(files, extra, main);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error;
  }
  assert.fail('the config loaded');
}

function one(body: string, extra: Partial<FakeWorld> = {}): ProcessSpec {
  const list = processes({ '/etc/t.conf': `[program:w]\ncommand=/bin/cat\n${body}` }, extra);
  assert.equal(list.length, 1);
  return list[0];
}

describe('the seed config of issue 10', () => {
  const check = (p: ProcessSpec) => {
    assert.deepEqual(
      [p.group, p.name, p.namespec, p.argv, p.autostart, p.autorestart, p.user, p.redirectStderr, p.stdout.logfile, p.stderr.logfile],
      ['server', 'server_00', 'server:server_00', ['/usr/local/go/bin/go', 'run', '/Users/harryzhang/go/src/server/server.go'], true, 'true', HARRY, true, '/Users/harryzhang/go/src/server/server.log', 'NONE'],
    );
  };

  it('runs as a bare file with only [program:server] (supervisord refuses it)', () => {
    const { config, warnings } = load({ '/srv/server.conf': SEED }, SEED_WORLD);
    assert.equal(config.hasSupervisordSection, false);
    assert.equal(config.groups.length, 1);
    check(config.groups[0].processes[0]);
    assert.deepEqual(warnings, []);
  });

  it('runs included from a main file by [include] files=conf.d/*.conf', () => {
    const main = '[supervisord]\nlogfile=/tmp/sd.log\n\n[include]\nfiles = conf.d/*.conf\n';
    const { config } = load({ '/etc/supervisor/supervisord.conf': main, '/etc/supervisor/conf.d/server.conf': SEED }, SEED_WORLD);
    assert.deepEqual(config.files, ['/etc/supervisor/supervisord.conf', '/etc/supervisor/conf.d/server.conf']);
    const p = config.groups[0].processes[0];
    check(p);
    assert.deepEqual(p.source, { file: '/etc/supervisor/conf.d/server.conf', section: 'program:server', line: 1 });
  });

  it('names the included file, its line, key and value when the seed user is unknown', () => {
    const main = '[supervisord]\n[include]\nfiles=conf.d/*.conf\n';
    const error = failure({ '/etc/supervisor/supervisord.conf': main, '/etc/supervisor/conf.d/server.conf': SEED }, { dirs: SEED_WORLD.dirs });
    assert.equal(error.toString(), "/etc/supervisor/conf.d/server.conf:6: [program:server] user='harryzhang': no such user");
    assert.equal(error.exitCode, 2);
  });
});

describe('numprocs and numprocs_start', () => {
  for (const [body, names] of [
    ['numprocs=3\nprocess_name=%(program_name)s_%(process_num)d', ['w_0', 'w_1', 'w_2']],
    ['numprocs=2\nnumprocs_start=7\nprocess_name=%(program_name)s-%(process_num)03d', ['w-007', 'w-008']],
    ['numprocs=1\nprocess_name=x%(process_num)s', ['x0']],
    ['', ['w']],
  ] as const) {
    it(`${body || 'the default'} → ${names.join(' ')}`, () => {
      const list = processes({ '/etc/t.conf': `[program:w]\ncommand=/bin/cat %(process_num)d/%(numprocs)d\n${body}` });
      assert.deepEqual(list.map((p) => p.name), names);
      assert.deepEqual(list.map((p) => p.command.split(' ')[1]), list.map((p) => `${p.processNum}/${names.length}`));
      assert.ok(list.every((p) => p.group === 'w' && p.namespec === (p.name === 'w' ? 'w' : `w:${p.name}`)));
    });
  }

  it('expands process_num in the log path, directory and environment of each process', () => {
    const list = processes({ '/etc/t.conf': '[program:w]\ncommand=/bin/cat\nnumprocs=2\nprocess_name=w%(process_num)d\nstdout_logfile=/tmp/w-%(process_num)d.log\ndirectory=/srv/%(process_num)d\nenvironment=N="%(process_num)d"\n' });
    assert.deepEqual(list.map((p) => [p.stdout.logfile, p.directory, p.environment.N]), [
      ['/tmp/w-0.log', '/srv/0', '0'],
      ['/tmp/w-1.log', '/srv/1', '1'],
    ]);
  });

  it('refuses %(process_num) in keys read before the loop, as supervisor does', () => {
    const error = failure({ '/etc/t.conf': '[program:w]\ncommand=/bin/cat\npriority=%(process_num)d\n' });
    assert.deepEqual([error.code, error.key, error.line], ['EEXPAND', 'priority', 3]);
  });

  for (const value of ['0', '-1', 'two']) {
    it(`refuses numprocs=${value}`, () => {
      assert.equal(failure({ '/etc/t.conf': `[program:w]\ncommand=/bin/cat\nnumprocs=${value}\n` }).key, 'numprocs');
    });
  }
});

describe('groups', () => {
  const text = '[group:web]\nprograms=api, worker\npriority=5\n[program:api]\ncommand=/bin/api\n[program:worker]\ncommand=/bin/w\nnumprocs=2\nprocess_name=%(group_name)s_%(program_name)s_%(process_num)d\n[program:solo]\ncommand=/bin/solo\npriority=1\n';

  it('moves listed programs into the group, sorts groups by priority then name', () => {
    const { config } = load({ '/etc/t.conf': text });
    assert.deepEqual(config.groups.map((g) => [g.name, g.kind, g.priority, g.processes.map((p) => p.namespec)]), [
      ['solo', 'program', 1, ['solo']],
      ['web', 'group', 5, ['web:api', 'web:web_worker_0', 'web:web_worker_1']],
    ]);
  });

  for (const [title, files, code, key] of [
    ['an unknown program in programs=', { '/etc/t.conf': '[group:g]\nprograms=a,b\n[program:a]\ncommand=/bin/a\n' }, 'EGROUP', 'programs'],
    ['a program in two groups (supervisor runs it twice)', { '/etc/t.conf': '[group:g]\nprograms=a\n[group:h]\nprograms=a\n[program:a]\ncommand=/bin/a\n' }, 'EDUPLICATE', 'programs'],
    ['a group named like a program of its own', { '/etc/t.conf': '[group:b]\nprograms=a\n[program:a]\ncommand=/bin/a\n[program:b]\ncommand=/bin/b\n' }, 'EDUPLICATE', undefined],
    ['two processes of one name in a group', { '/etc/t.conf': '[group:g]\nprograms=a,b\n[program:a]\ncommand=/bin/a\nprocess_name=x\n[program:b]\ncommand=/bin/b\nprocess_name=x\n' }, 'EDUPLICATE', 'process_name'],
    ['a group name with a slash', { '/etc/t.conf': '[group:a/b]\nprograms=\n' }, 'ENAME', undefined],
    ['a process name with a space', { '/etc/t.conf': '[program:a]\ncommand=/bin/a\nprocess_name=a b\n' }, 'ENAME', 'process_name'],
  ] as const) {
    it(`refuses ${title}`, () => {
      const error = failure(files);
      assert.deepEqual([error.code, error.key], [code, key]);
    });
  }
});

describe('autorestart', () => {
  for (const [value, expected] of [
    ['true', 'true'], ['yes', 'true'], ['on', 'true'], ['1', 'true'], ['TRUE', 'true'],
    ['false', 'false'], ['no', 'false'], ['off', 'false'], ['0', 'false'],
    ['unexpected', 'unexpected'], ['Unexpected', 'unexpected'],
  ] as const) {
    it(`${value} → ${expected}`, () => assert.equal(one(`autorestart=${value}\n`).autorestart, expected));
  }
  it('defaults to unexpected with exitcodes=0', () => {
    const p = one('');
    assert.deepEqual([p.autorestart, p.exitcodes], ['unexpected', [0]]);
  });
  for (const [value, codes] of [['0,2', [0, 2]], [' 1 , 3', [1, 3]], ['', []], ['255', [255]]] as const) {
    it(`exitcodes=${value}`, () => assert.deepEqual(one(`exitcodes=${value}\n`).exitcodes, codes));
  }
  for (const value of ['-1', '256', 'a', '1,,2']) {
    it(`refuses exitcodes=${value}`, () => assert.equal(failure({ '/etc/t.conf': `[program:w]\ncommand=/bin/cat\nexitcodes=${value}\n` }).key, 'exitcodes'));
  }
});

describe('defaults of every [program:x] key', () => {
  it('are supervisor 4s, plus ours', () => {
    const p = one('', { env: { HOME: '/root' } });
    const { source, ...rest } = p;
    assert.deepEqual(source, { file: '/etc/t.conf', section: 'program:w', line: 1 });
    const log = { logfile: 'AUTO', maxbytes: 52428800, backups: 10, captureMaxbytes: 0, eventsEnabled: false, syslog: false };
    assert.deepEqual(rest, {
      name: 'w', group: 'w', program: 'w', namespec: 'w', processNum: 0, numprocs: 1,
      command: '/bin/cat', argv: ['/bin/cat'], directory: null, umask: null, priority: 999,
      autostart: true, autorestart: 'unexpected', exitcodes: [0], startsecs: 1, startretries: 3,
      stopsignal: 'SIGTERM', stopsignalNumber: 15, stopwaitsecs: 10,
      stopasgroup: false, killasgroup: false, stopasgroupWritten: false, killasgroupWritten: false,
      stopScope: 'family', killScope: 'family',
      user: null, redirectStderr: false, stdout: log, stderr: log, environment: {}, serverurl: null,
      tdaemon: { ...POLICY_DEFAULTS, waitPriority: false, fatalExits: false },
      explicit: ['command'],
    });
  });

  it('match tdaemon start --respawn', () => {
    assert.deepEqual(POLICY_DEFAULTS, { minUptimeSecs: 10, backoffMaxSecs: 5, crashLimit: 10, crashWindowSecs: 60 });
    const { respawn } = DEFAULTS;
    assert.deepEqual(POLICY_DEFAULTS, {
      minUptimeSecs: respawn.minUptimeMs / 1000,
      backoffMaxSecs: respawn.backoffMaxMs / 1000,
      crashLimit: respawn.maxRestarts,
      crashWindowSecs: respawn.restartWindowMs / 1000,
    });
  });

  it('read every key when written', () => {
    const p = one(
      'priority=5\nautostart=no\nstartsecs=0\nstartretries=7\nstopsignal=int\nstopwaitsecs=3\nuser=0\n' +
        'directory=~/x\numask=022\nserverurl=unix:///tmp/s.sock\nstdout_logfile_maxbytes=1KB\nstdout_logfile_backups=0\n' +
        'stdout_capture_maxbytes=2mb\nstdout_events_enabled=true\nstderr_syslog=true\nstderr_logfile=syslog\n' +
        'environment=A="1",B=\'two words\'\n',
    );
    assert.deepEqual(
      [p.priority, p.autostart, p.startsecs, p.startretries, p.stopsignal, p.stopsignalNumber, p.stopwaitsecs, p.user?.name, p.directory, p.umask, p.serverurl],
      [5, false, 0, 7, 'SIGINT', 2, 3, 'root', '/root/x', 0o22, 'unix:///tmp/s.sock'],
    );
    assert.deepEqual(p.stdout, { logfile: 'AUTO', maxbytes: 1024, backups: 0, captureMaxbytes: 2097152, eventsEnabled: true, syslog: false });
    assert.deepEqual([p.stderr.logfile, p.stderr.syslog], ['NONE', true]);
    assert.deepEqual(p.environment, { A: '1', B: 'two words' });
  });
});

describe('stop scope: the whole family unless stopasgroup=false is written', () => {
  for (const [body, stop, kill] of [
    ['', 'family', 'family'],
    ['stopasgroup=true', 'family', 'family'],
    ['stopasgroup=false', 'process', 'process'],
    ['killasgroup=false', 'family', 'process'],
    ['stopasgroup=false\nkillasgroup=true', 'process', 'family'],
  ] as const) {
    it(`${body.replace('\n', ' ') || 'nothing written'} → stop ${stop}, kill ${kill}`, () => {
      const p = one(`${body}\n`);
      assert.deepEqual([p.stopScope, p.killScope], [stop, kill]);
    });
  }
});

describe('extension keys', () => {
  it('read tdaemon_* from the program, and the [supervisord] defaults for the last two', () => {
    const list = processes({
      '/etc/t.conf': '[supervisord]\ntdaemon_fatal_exits=true\n[program:a]\ncommand=/bin/a\ntdaemon_backoff_max=5\ntdaemon_crash_limit=none\ntdaemon_crash_window=30\ntdaemon_min_uptime=2.5\ntdaemon_wait_priority=yes\n[program:b]\ncommand=/bin/b\ntdaemon_fatal_exits=false\n',
    });
    assert.deepEqual(list.map((p) => p.tdaemon), [
      { minUptimeSecs: 2.5, backoffMaxSecs: 5, crashLimit: null, crashWindowSecs: 30, waitPriority: true, fatalExits: true },
      { ...POLICY_DEFAULTS, waitPriority: false, fatalExits: false },
    ]);
  });
  for (const body of ['tdaemon_crash_window=0', 'tdaemon_backoff_max=-1', 'tdaemon_crash_limit=many', 'tdaemon_fatal_exits=maybe']) {
    it(`refuses ${body}`, () => assert.equal(failure({ '/etc/t.conf': `[program:w]\ncommand=/bin/cat\n${body}\n` }).key, body.split('=')[0]));
  }
});

describe('expansion names', () => {
  it('ENV_X from the environment, then [supervisord] environment=, then the program environment=', () => {
    const p = processes(
      { '/etc/t.conf': '[supervisord]\nenvironment=GLOBAL="g-%(ENV_HOME)s"\n[program:w]\nenvironment=OWN="o"\ncommand=/bin/echo %(ENV_HOME)s %(ENV_GLOBAL)s %(ENV_OWN)s %(host_node_name)s\n' },
      { env: { HOME: '/home/me' } },
    )[0];
    assert.equal(p.command, '/bin/echo /home/me g-/home/me o vm');
    assert.deepEqual(p.environment, { GLOBAL: 'g-/home/me', OWN: 'o' });
  });

  it('%(here)s is the directory of the file each value was written in', () => {
    const { config } = load({
      '/etc/main.conf': '[include]\nfiles=/opt/app/conf/*.conf\n[program:m]\ncommand=/bin/echo %(here)s\n',
      '/opt/app/conf/a.conf': '[program:a]\ncommand=%(here)s/../bin/a\n',
    });
    assert.deepEqual(config.groups.map((g) => g.processes[0].command), ['/opt/app/conf/../bin/a', '/bin/echo /etc']);
  });

  it('a bare % is an error in every key supervisor expands (here: [supervisord] identifier)', () => {
    const error = failure({ '/etc/t.conf': '[supervisord]\nidentifier=100% sure\n' });
    assert.deepEqual([error.code, error.section, error.key], ['EPERCENT', 'supervisord', 'identifier']);
  });

  it('a bare % is checked after the inline comment is stripped', () => {
    assert.equal(one('stdout_logfile=/tmp/x.log ; 100% sure\n').stdout.logfile, '/tmp/x.log');
  });
});

describe('[include]', () => {
  it('reads matches in sorted order; later files win', () => {
    const { config } = load({
      '/etc/main.conf': '[include]\nfiles=d/*.conf more/x.ini\n',
      '/etc/d/b.conf': '[program:w]\ncommand=/bin/b\n',
      '/etc/d/a.conf': '[program:w]\ncommand=/bin/a\n',
      '/etc/d/.hidden.conf': '[program:h]\ncommand=/bin/h\n',
      '/etc/more/x.ini': '[program:x]\ncommand=/bin/x\n',
    });
    assert.deepEqual(config.files, ['/etc/main.conf', '/etc/d/a.conf', '/etc/d/b.conf', '/etc/more/x.ini']);
    assert.deepEqual(config.groups.map((g) => g.processes[0].command), ['/bin/b', '/bin/x']);
  });

  it('attributes a parse error to the included file', () => {
    const error = failure({ '/etc/main.conf': '[include]\nfiles=d/*.conf\n', '/etc/d/a.conf': '[program:a]\ncommand=/bin/a\noops\n' });
    assert.deepEqual([error.code, error.file, error.line], ['EPARSE', '/etc/d/a.conf', 3]);
  });

  it('refuses an unreadable included file (supervisor skips it silently)', () => {
    const error = failure({ '/etc/main.conf': '[include]\nfiles=d/*.conf\n', '/etc/d/a.conf': '' }, { unreadable: ['/etc/d/a.conf'] });
    assert.deepEqual([error.code, error.file, error.exitCode], ['EUNREADABLE', '/etc/d/a.conf', 4]);
  });

  it('warns that a nested [include] is not followed', () => {
    const { warnings } = load({ '/etc/main.conf': '[include]\nfiles=d/*.conf\n', '/etc/d/a.conf': '[include]\nfiles=../e/*.conf\n' });
    assert.ok(warnings.some((w) => w.file === '/etc/d/a.conf' && /not followed/.test(w.message)));
  });

  it('refuses an [include] without files=', () => {
    assert.equal(failure({ '/etc/main.conf': '[include]\n' }).code, 'EMISSING');
  });
});

describe('the main file', () => {
  it('missing: ENOTFOUND, exit 6', () => {
    const error = failure({}, {}, '/etc/none.conf');
    assert.deepEqual([error.code, error.exitCode, error.toString()], ['ENOTFOUND', 6, '/etc/none.conf: no such config file']);
  });
  it('unreadable: EUNREADABLE, exit 4', () => {
    const error = failure({ '/etc/t.conf': '' }, { unreadable: ['/etc/t.conf'] });
    assert.deepEqual([error.code, error.exitCode], ['EUNREADABLE', 4]);
  });
  it('a directory: EUNREADABLE', () => assert.equal(failure({ '/etc/d/x': '' }, {}, '/etc/d').code, 'EUNREADABLE'));
  it('relative: taken from cwd', () => {
    assert.equal(load({ '/work/sub/t.conf': '[program:w]\ncommand=/bin/cat\n' }, {}, 'sub/t.conf').config.file, '/work/sub/t.conf');
  });
  it('an empty file loads with no programs', () => assert.deepEqual(load({ '/etc/t.conf': '' }).config.groups, []));
});

describe('sections we do not run', () => {
  for (const kind of ['eventlistener', 'fcgi-program']) {
    it(`[${kind}:x] is a clear "not supported" error`, () => {
      const error = failure({ '/etc/main.conf': '[include]\nfiles=x.conf\n', '/etc/x.conf': `[program:a]\ncommand=/bin/a\n\n[${kind}:x]\ncommand=/bin/x\n` });
      assert.deepEqual([error.code, error.file, error.line, error.section], ['EUNSUPPORTED', '/etc/x.conf', 4, `${kind}:x`]);
      assert.match(error.toString(), /not supported by tdaemon/);
    });
  }
});

describe('warnings', () => {
  it('name an unknown key and the closest known one', () => {
    const { warnings } = load({ '/etc/t.conf': '[program:w]\ncommand=/bin/cat\nauto_restart=false\nstdout_logfile_max_bytes=1MB\n[supervisord]\nlogfle=/tmp/x\n' });
    assert.deepEqual(
      warnings.map((w) => [w.line, w.key, w.message]),
      [
        [3, 'auto_restart', 'unknown key, ignored; the closest known key is autorestart'],
        [4, 'stdout_logfile_max_bytes', 'unknown key, ignored; the closest known key is stdout_logfile_maxbytes'],
        [6, 'logfle', 'unknown key, ignored; the closest known key is logfile'],
      ],
    );
  });
  it('name an unknown section', () => {
    const { warnings } = load({ '/etc/t.conf': '[programs:w]\ncommand=/bin/cat\n' });
    assert.deepEqual(warnings.map((w) => w.message), ['unknown section, ignored; the closest known section is [program:...]']);
  });
  it('for environment= words that supervisor drops', () => {
    const { warnings } = load({ '/etc/t.conf': '[program:w]\ncommand=/bin/cat\nenvironment=A=a b\n' });
    assert.match(warnings[0].message, /'b' ignored as supervisor does/);
  });
  it('for AUTO logs without rotation', () => {
    const { warnings } = load({ '/etc/t.conf': '[program:w]\ncommand=/bin/cat\nstdout_logfile_maxbytes=0\n' });
    assert.match(warnings[0].message, /AUTO with stdout_logfile_maxbytes=0/);
  });
});

describe('bad values name key and value', () => {
  for (const [body, key] of [
    ['startsecs=abc', 'startsecs'],
    ['startretries=-1', 'startretries'],
    ['stopsignal=FOO', 'stopsignal'],
    ['stopsignal=99', 'stopsignal'],
    ['stopwaitsecs=1.5', 'stopwaitsecs'],
    ['autostart=maybe', 'autostart'],
    ['umask=8', 'umask'],
    ['stdout_logfile_maxbytes=10TB', 'stdout_logfile_maxbytes'],
    ['user=nosuchuser', 'user'],
    ['user=4242', 'user'],
    ['stderr_logfile=/nonexistent/e.log', 'stderr_logfile'],
    ['command=', 'command'],
    ['environment=A=x=y', 'environment'],
  ] as const) {
    it(body, () => {
      const error = failure({ '/etc/t.conf': `[program:w]\ncommand=/bin/cat\n${body}\n` });
      assert.equal(error.key, key);
      assert.equal(error.line, 3);
      assert.ok(error.toString().startsWith(`/etc/t.conf:${error.line}: [program:w] ${key}=`), error.toString());
    });
  }
});

describe('policy defaults from the caller', () => {
  it('replace POLICY_DEFAULTS for keys not written', () => {
    const policyDefaults = { minUptimeSecs: 1, backoffMaxSecs: 5, crashLimit: 3, crashWindowSecs: 20 };
    const { config } = loadConfig('/etc/t.conf', fakeDeps({ files: { '/etc/t.conf': '[program:w]\ncommand=/bin/cat\ntdaemon_crash_limit=4\n' } }), { policyDefaults });
    assert.deepEqual(config.groups[0].processes[0].tdaemon, { ...policyDefaults, crashLimit: 4, waitPriority: false, fatalExits: false });
  });
});

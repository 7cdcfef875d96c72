import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig, type ProcessSpec, type SupervisorConfig } from '../../src/config';
import { PROGRAM_KEYS } from '../../src/config/keys';
import { exportPrograms, type ExportPlan } from '../../src/policy/systemd-export';
import { escapeUnitName, formatSeconds, quoteEnvironmentAssignment, quoteExecWord } from '../../src/policy/systemd-syntax';
import { fakeDeps, NOBODY, type FakeWorld } from '../helpers/config-fs';
import { parseUnit, systemdRestarts, valueOf, valuesOf } from '../helpers/unit-file';
import { HARRY, SEED } from '../helpers/seed';


function loadWorld(text: string, world: Partial<FakeWorld> = {}): SupervisorConfig {
  return loadConfig('/etc/sv.conf', fakeDeps({ files: { '/etc/sv.conf': text }, ...world })).config;
}

/** Commands are found in /usr/bin unless absolute; group 20 is staff, the rest have no name. */
function exportOf(text: string, world: Partial<FakeWorld> = {}): ExportPlan {
  return exportPrograms(loadWorld(text, world), 'sv', (spec: ProcessSpec) => ({
    executable: spec.argv[0].startsWith('/') ? spec.argv[0] : `/usr/bin/${spec.argv[0]}`,
    groupName: spec.user?.gid === 20 ? 'staff' : null,
  }));
}

function fileText(plan: ExportPlan, name: string): string {
  const file = plan.files.find((f) => f.name === name);
  assert.ok(file, `no ${name} among ${plan.files.map((f) => f.name).join(' ')}`);
  return file.text;
}

describe('export systemd: the seed config of issue 10, field by field', () => {
  const plan = exportOf(SEED, { dirs: ['/Users/harryzhang/go/src/server'], users: [HARRY] });

  it('writes one service and the target', () => {
    assert.deepEqual(plan.files.map((f) => f.name), ['sv-server.service', 'sv.target']);
  });

  it('maps every key of the section', () => {
    assert.deepEqual(parseUnit(fileText(plan, 'sv-server.service')), {
      Unit: [
        ['Description', 'server (/etc/sv.conf)'],
        ['PartOf', 'sv.target'],
        ['After', 'network.target'],
        ['StartLimitIntervalSec', '60'],
        ['StartLimitBurst', '11'],
      ],
      Service: [
        ['Type', 'exec'],
        ['ExecStart', '/usr/local/go/bin/go run /Users/harryzhang/go/src/server/server.go'],
        ['User', 'harryzhang'],
        ['Group', 'staff'],
        ['Restart', 'always'],
        ['RestartSec', '100ms'],
        ['RestartSteps', '6'],
        ['RestartMaxDelaySec', '5'],
        ['KillMode', 'control-group'],
        ['KillSignal', 'SIGTERM'],
        ['TimeoutStopSec', '10'],
        ['StandardOutput', 'append:/Users/harryzhang/go/src/server/server.log'],
        ['StandardError', 'inherit'],
      ],
      Install: [['WantedBy', 'sv.target']],
    });
  });

  it('groups it in a target that multi-user.target wants', () => {
    assert.deepEqual(parseUnit(fileText(plan, 'sv.target')), {
      Unit: [
        ['Description', 'Programs of /etc/sv.conf'],
        ['Wants', 'sv-server.service'],
      ],
      Install: [['WantedBy', 'multi-user.target']],
    });
  });

  it('says once, in the unit and as a warning, that rotation by size is lost', () => {
    const rotation = 'stdout_logfile_maxbytes=50MB, stdout_logfile_backups=10: systemd does not rotate by size; rotate /Users/harryzhang/go/src/server/server.log with logrotate (copytruncate)';
    assert.deepEqual(plan.warnings, [`server: ${rotation}`]);
    assert.ok(fileText(plan, 'sv-server.service').includes(`# Not carried over: ${rotation}\n`));
  });
});

const EVERY_KEY = `[supervisord]
umask=027
minfds=4096
minprocs=300
user=nobody
environment=BASE="b",SHARED="from-supervisord"

[program:all]
command=worker --flag "two words" 100%% $HOME
process_name=%(program_name)s_%(process_num)d
numprocs=2
numprocs_start=5
priority=10
autostart=false
autorestart=unexpected
startsecs=5
startretries=20
exitcodes=2,3
stopsignal=INT
stopwaitsecs=0
stopasgroup=false
killasgroup=true
user=harryzhang
redirect_stderr=false
stdout_logfile=/var/log/all/%(process_num)d.out
stdout_logfile_maxbytes=0
stdout_logfile_backups=3
stdout_capture_maxbytes=1KB
stdout_events_enabled=true
stdout_syslog=true
stderr_logfile=NONE
stderr_logfile_maxbytes=1MB
stderr_logfile_backups=2
stderr_capture_maxbytes=0
stderr_events_enabled=false
stderr_syslog=true
environment=SHARED="own",NUM="%(process_num)d"
directory=/srv/all
umask=002
serverurl=unix:///tmp/x.sock
tdaemon_min_uptime=5
tdaemon_backoff_max=60
tdaemon_crash_limit=4
tdaemon_crash_window=120
tdaemon_wait_priority=true
tdaemon_fatal_exits=true

[program:first]
command=/bin/true
priority=1
killasgroup=false
`;

describe('export systemd: a config that uses every key, field by field', () => {
  const plan = exportOf(EVERY_KEY, { dirs: ['/var/log/all', '/srv/all'], users: [HARRY, NOBODY] });

  it('really uses every key supervisor and tdaemon read in [program:x]', () => {
    const all = loadWorld(EVERY_KEY, { dirs: ['/var/log/all', '/srv/all'], users: [HARRY, NOBODY] }).groups.flatMap((g) => g.processes).find((p) => p.program === 'all')!;
    assert.deepEqual(PROGRAM_KEYS.filter((key) => !all.explicit.includes(key)), []);
  });

  it('writes a template for numprocs=2, with what differs in each instance\'s drop-in', () => {
    assert.deepEqual(plan.files.map((f) => f.name), ['sv-first.service', 'sv-all@.service', 'sv-all@5.service.d/process.conf', 'sv-all@6.service.d/process.conf', 'sv.target']);
  });

  it('maps the shared keys into the template', () => {
    assert.deepEqual(parseUnit(fileText(plan, 'sv-all@.service')), {
      Unit: [
        ['Description', 'all, process %i (/etc/sv.conf)'],
        ['PartOf', 'sv.target'],
        ['After', 'network.target sv-first.service'],
        ['StartLimitIntervalSec', '120'],
        ['StartLimitBurst', '21'],
      ],
      Service: [
        ['Type', 'exec'],
        ['ExecStart', '/usr/bin/worker --flag "two words" "100%%" "$$HOME"'],
        ['WorkingDirectory', '/srv/all'],
        ['User', 'harryzhang'],
        ['Group', 'staff'],
        ['UMask', '0002'],
        ['LimitNOFILE', '4096'],
        ['LimitNPROC', '300'],
        ['Restart', 'on-failure'],
        ['SuccessExitStatus', '2 3'],
        ['RestartForceExitStatus', '0 SIGHUP SIGINT SIGTERM SIGPIPE'],
        ['RestartSec', '100ms'],
        ['RestartSteps', '10'],
        ['RestartMaxDelaySec', '60'],
        ['KillMode', 'mixed'],
        ['KillSignal', 'SIGINT'],
        ['TimeoutStopSec', '1ms'],
      ],
      Install: [['WantedBy', 'sv.target']],
    });
  });

  it('puts the per-process environment and logs in the drop-ins', () => {
    for (const n of [5, 6]) {
      assert.deepEqual(parseUnit(fileText(plan, `sv-all@${n}.service.d/process.conf`)), {
        Service: [
          ['Environment', '"BASE=b"'],
          ['Environment', '"SHARED=own"'],
          ['Environment', `"NUM=${n}"`],
          ['StandardOutput', `append:/var/log/all/${n}.out`],
          ['StandardError', 'journal'],
        ],
      });
    }
  });

  it('orders by priority, takes [supervisord] user= and umask=, and warns of a narrower SIGKILL', () => {
    const first = fileText(plan, 'sv-first.service');
    assert.equal(valueOf(first, 'Unit', 'After'), 'network.target');
    assert.deepEqual([valueOf(first, 'Service', 'User'), valueOf(first, 'Service', 'Group'), valueOf(first, 'Service', 'UMask')], ['nobody', undefined, '0027']);
    assert.deepEqual(valuesOf(first, 'Service', 'Environment'), ['"BASE=b"', '"SHARED=from-supervisord"']);
    assert.equal(valueOf(first, 'Service', 'KillMode'), 'control-group');
    assert.equal(valueOf(first, 'Service', 'WorkingDirectory'), undefined);
  });

  it('wants only the autostart programs in the target', () => {
    assert.equal(valueOf(fileText(plan, 'sv.target'), 'Unit', 'Wants'), 'sv-first.service');
  });

  it('reports each key that has no systemd equivalent, once per program', () => {
    assert.deepEqual(plan.warnings, [
      'first: killasgroup=false: the final SIGKILL reaches the whole control group, as the stop signal does',
      'all: stdout_capture_maxbytes and stdout_events_enabled: supervisor\'s events have no systemd equivalent',
      'all: stdout_syslog=true: the output goes to the file only, not to syslog',
      "all: tdaemon_min_uptime=5: systemd's restart delay does not start over after a healthy run",
      'all: tdaemon_wait_priority=true: After= orders the starts, but systemd does not wait for the earlier programs to reach RUNNING',
      'all: tdaemon_fatal_exits=true: a failed unit does not stop the others',
      'all: serverurl=unix:///tmp/x.sock: there is no supervisor to reach',
    ]);
  });
});

describe('export systemd: a template whose processes differ in nothing', () => {
  const plan = exportOf('[program:w]\ncommand=/bin/sleep 100\nnumprocs=2\nprocess_name=w%(process_num)d\n');

  it('has no drop-ins, and names its instances', () => {
    assert.deepEqual(plan.files.map((f) => f.name), ['sv-w@.service', 'sv.target']);
    const template = fileText(plan, 'sv-w@.service');
    assert.equal(valueOf(template, 'Service', 'ExecStart'), '/bin/sleep 100');
    assert.match(template, /^# Instances: sv-w@0\.service sv-w@1\.service$/m);
    assert.equal(valueOf(fileText(plan, 'sv.target'), 'Unit', 'Wants'), 'sv-w@0.service sv-w@1.service');
  });
});

describe('export systemd: restarts as supervisor decides them', () => {
  const exits = [{ code: 0 }, { code: 1 }, { code: 2 }, { signal: 'SIGTERM' }, { signal: 'SIGKILL' }, { signal: 'SIGHUP' }];
  const rows: Array<[string, string]> = [
    ['true', '0'],
    ['false', '0'],
    ['unexpected', '0'],
    ['unexpected', '0,2'],
    ['unexpected', '2'],
    ['true', '1,2'],
  ];
  for (const [autorestart, exitcodes] of rows) {
    it(`autorestart=${autorestart} exitcodes=${exitcodes}`, () => {
      const plan = exportOf(`[program:w]\ncommand=/bin/cat\nautorestart=${autorestart}\nexitcodes=${exitcodes}\n`);
      const unit = fileText(plan, 'sv-w.service');
      const listed = exitcodes.split(',').map(Number);
      for (const exit of exits) {
        // supervisor: a death by a signal is never expected (exit status -1).
        const expected = autorestart === 'true' || (autorestart === 'unexpected' && ('signal' in exit || !listed.includes(exit.code)));
        assert.equal(systemdRestarts(unit, exit), expected, JSON.stringify(exit));
      }
    });
  }
});

describe('export systemd: who a stop reaches', () => {
  const rows: Array<[string, string]> = [
    ['', 'control-group'],
    ['stopasgroup=true', 'control-group'],
    ['stopasgroup=false', 'process'],
    ['stopasgroup=false\nkillasgroup=true', 'mixed'],
    ['killasgroup=false', 'control-group'],
  ];
  for (const [keys, mode] of rows) {
    it(`${keys.replace('\n', ' ') || '(nothing written)'}: KillMode=${mode}`, () => {
      assert.equal(valueOf(fileText(exportOf(`[program:w]\ncommand=/bin/cat\n${keys}\n`), 'sv-w.service'), 'Service', 'KillMode'), mode);
    });
  }
});

describe('export systemd: where the output goes', () => {
  const rows: Array<[string, string, string]> = [
    ['', 'journal', 'journal'],
    ['stdout_logfile=NONE\nstderr_logfile=NONE', 'null', 'null'],
    ['stdout_logfile=NONE\nstdout_syslog=true', 'journal', 'journal'],
    ['stdout_logfile=/var/log/o.log\nstderr_logfile=/var/log/e.log', 'append:/var/log/o.log', 'append:/var/log/e.log'],
    ['stdout_logfile=/var/log/o.log\nredirect_stderr=true', 'append:/var/log/o.log', 'inherit'],
    ['stdout_logfile=/var/log/100%%.log', 'append:/var/log/100%%.log', 'journal'],
  ];
  for (const [keys, stdout, stderr] of rows) {
    it(`${keys.replace('\n', ' ') || '(defaults)'}`, () => {
      const unit = fileText(exportOf(`[program:w]\ncommand=/bin/cat\n${keys}\n`, { dirs: ['/var/log'] }), 'sv-w.service');
      assert.deepEqual([valueOf(unit, 'Service', 'StandardOutput'), valueOf(unit, 'Service', 'StandardError')], [stdout, stderr]);
    });
  }
});

describe('export systemd: restart limits', () => {
  const rows: Array<[string, string | undefined, string | undefined, string | undefined]> = [
    ['', '60', '11', '6'],
    ['startsecs=0\nstartretries=50', '60', '11', '6'],
    ['startretries=50', '60', '51', '6'],
    ['tdaemon_crash_limit=none', '0', undefined, '6'],
    ['tdaemon_backoff_max=0.1', '60', '11', undefined],
  ];
  for (const [keys, interval, burst, steps] of rows) {
    it(`${keys.replace('\n', ' ') || '(defaults)'}`, () => {
      const unit = fileText(exportOf(`[program:w]\ncommand=/bin/cat\n${keys}\n`), 'sv-w.service');
      assert.deepEqual(
        [valueOf(unit, 'Unit', 'StartLimitIntervalSec'), valueOf(unit, 'Unit', 'StartLimitBurst'), valueOf(unit, 'Service', 'RestartSteps')],
        [interval, burst, steps],
      );
    });
  }
});

describe('export systemd: the text of a unit', () => {
  it('quotes ExecStart= words', () => {
    const rows: Array<[string, string]> = [
      ['/usr/bin/x', '/usr/bin/x'],
      ['--port=8080', '--port=8080'],
      ['two words', '"two words"'],
      ['', '""'],
      ['say "hi"', '"say \\"hi\\""'],
      ['back\\slash', '"back\\\\slash"'],
      ['50%', '"50%%"'],
      ['$HOME', '"$$HOME"'],
      [';', '\\;'],
      ['a\nb', '"a\\nb"'],
      ['tab\there', '"tab\\there"'],
      ['é', '"é"'],
    ];
    for (const [word, quoted] of rows) assert.equal(quoteExecWord(word), quoted, word);
  });

  it('escapes unit names as systemd-escape does', () => {
    const rows: Array<[string, string]> = [
      ['server', 'server'],
      ['my-app_1.2', 'my-app_1.2'],
      ['.hidden', '\\x2ehidden'],
      ['a+b', 'a\\x2bb'],
      ['é', '\\xc3\\xa9'],
    ];
    for (const [name, escaped] of rows) assert.equal(escapeUnitName(name), escaped, name);
  });

  it('quotes Environment= pairs and writes time spans', () => {
    assert.equal(quoteEnvironmentAssignment('A', 'x "y" \\ 5%'), '"A=x \\"y\\" \\\\ 5%%"');
    assert.deepEqual([0.1, 1, 2.5, 30].map(formatSeconds), ['100ms', '1', '2.5', '30']);
  });

  it('leaves an environment name systemd refuses out, and says so', () => {
    const plan = exportOf('[program:w]\ncommand=/bin/cat\nenvironment=my.key="1",OK="2"\n');
    assert.deepEqual(valuesOf(fileText(plan, 'sv-w.service'), 'Service', 'Environment'), ['"OK=2"']);
    assert.deepEqual(plan.warnings, ["w: environment name 'my.key' is not one systemd accepts"]);
  });

  it('says when a command cannot be found, and names it as written', () => {
    const config = loadWorld('[program:w]\ncommand=nothere --x\n');
    const plan = exportPrograms(config, 'sv', () => ({ executable: null, groupName: null }));
    assert.equal(valueOf(fileText(plan, 'sv-w.service'), 'Service', 'ExecStart'), 'nothere --x');
    assert.match(plan.warnings[0], /^w: command 'nothere' is not found/);
  });
});

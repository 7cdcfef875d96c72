// Every case of captures/config-validation (supervisor 4.2.5's ServerOptions
// on each file, results.txt) run through loadConfig. Accepted files are
// summarised in check.py's own format, so the lines compare as they are.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, formatProblem, loadConfig, type ConfigErrorCode, type ProcessSpec } from '../../src/config';
import { pyRepr } from '../../src/config/printf';
import { fakeDeps } from '../helpers/config-fs';

const HEAD = '[supervisord]\nlogfile=/tmp/cfgcases/sd.log\npidfile=/tmp/cfgcases/sd.pid\n\n';
const SEED = (command: string, user: string, log: string) => `${HEAD}[program:server]
process_name=%(program_name)s_%(process_num)02d
command=${command} # 要执行的命令
autostart=true # 系统开机自动启动
autorestart=true # 进程终止自动重启
user=${user} # 用户
numprocs=1 # 启动进程数
redirect_stderr=true # 是否将标准错误重定向到标准输出
stdout_logfile=${log} # 指定标准输出保存的文件路径
`;

/** check.py's line for one process. */
function checkPyLine(group: string, p: ProcessSpec): string {
  const restart = { true: 'RestartUnconditionally', unexpected: 'RestartWhenExitUnexpected', false: 'False' }[p.autorestart];
  const log = (l: string) => (l === 'NONE' ? 'None' : l);
  const env = Object.keys(p.environment).length === 0 ? '{}' : `{${Object.entries(p.environment).map(([k, v]) => `${pyRepr(k, false)}: ${pyRepr(v, false)}`).join(', ')}}`;
  return `OK group=${group} name=${p.name} command=${pyRepr(p.command, false)} autorestart=${restart} user_uid=${p.user ? p.user.uid : 'None'} stdout=${log(p.stdout.logfile)} stderr=${log(p.stderr.logfile)} env=${env} dir=${p.directory ?? 'None'}`;
}

function load(name: string, text: string) {
  const file = `/tmp/cfgcases/${name}.conf`;
  return loadConfig(file, fakeDeps({ files: { [file]: text }, dirs: ['/tmp/cfgcases', '/tmp/supexp'], env: { HOME: '/root' } }));
}

interface Accepted {
  name: string;
  text: string;
  /** results.txt's lines for this case. */
  supervisor: string[];
  warning?: RegExp;
}

const ACCEPTED: Accepted[] = [
  {
    name: '03_seed_adapted',
    text: SEED('/usr/bin/node /tmp/supexp/server.js', 'nobody', '/tmp/supexp/server.log'),
    supervisor: ["OK group=server name=server_00 command='/usr/bin/node /tmp/supexp/server.js' autorestart=RestartUnconditionally user_uid=65534 stdout=/tmp/supexp/server.log stderr=None env={} dir=None"],
  },
  {
    name: '15_include_nomatch',
    text: `${HEAD}[include]\nfiles=/nonexistent/*.conf\n[program:w]\ncommand=/bin/cat\n`,
    supervisor: ["OK group=w name=w command='/bin/cat' autorestart=RestartWhenExitUnexpected user_uid=None stdout=AUTO stderr=AUTO env={} dir=None"],
    warning: /\[include\] files='\/nonexistent\/\*\.conf': no file matches "\/nonexistent\/\*\.conf"/,
  },
  {
    name: '19_group_ok',
    text: `${HEAD}[group:g]\nprograms=a,b\n[program:a]\ncommand=/bin/cat\n[program:b]\ncommand=/bin/cat\nnumprocs=2\nprocess_name=%(program_name)s-%(process_num)d\nenvironment=HOME="/tmp",X="%(group_name)s-%(process_num)s"\ndirectory=/tmp\n`,
    supervisor: [
      "OK group=g name=a command='/bin/cat' autorestart=RestartWhenExitUnexpected user_uid=None stdout=AUTO stderr=AUTO env={} dir=None",
      "OK group=g name=b-0 command='/bin/cat' autorestart=RestartWhenExitUnexpected user_uid=None stdout=AUTO stderr=AUTO env={'HOME': '/tmp', 'X': 'g-0'} dir=/tmp",
      "OK group=g name=b-1 command='/bin/cat' autorestart=RestartWhenExitUnexpected user_uid=None stdout=AUTO stderr=AUTO env={'HOME': '/tmp', 'X': 'g-1'} dir=/tmp",
    ],
  },
  {
    name: '21_redirect_and_stderr',
    text: `${HEAD}[program:w]\ncommand=/bin/cat\nredirect_stderr=true\nstderr_logfile=/tmp/e.log\n`,
    supervisor: ["OK group=w name=w command='/bin/cat' autorestart=RestartWhenExitUnexpected user_uid=None stdout=AUTO stderr=None env={} dir=None"],
    warning: /stderr_logfile='\/tmp\/e\.log': redirect_stderr=true .* stderr_logfile is ignored/,
  },
  {
    name: '22_here_and_host',
    text: `${HEAD}[program:w]\ncommand=/bin/echo %(here)s %(host_node_name)s %(program_name)s %(group_name)s %(numprocs)d\nstdout_logfile=%(here)s/%(program_name)s.log\n`,
    supervisor: ["OK group=w name=w command='/bin/echo /tmp/cfgcases vm w w 1' autorestart=RestartWhenExitUnexpected user_uid=None stdout=/tmp/cfgcases/w.log stderr=AUTO env={} dir=None"],
  },
  {
    name: '23_uppercase_key',
    text: `${HEAD}[program:w]\nCommand=/bin/cat\nAutoRestart=TRUE\n`,
    supervisor: ["OK group=w name=w command='/bin/cat' autorestart=RestartUnconditionally user_uid=None stdout=AUTO stderr=AUTO env={} dir=None"],
  },
  {
    name: '24_dup_program',
    text: `${HEAD}[program:w]\ncommand=/bin/cat\n[program:w]\ncommand=/bin/sleep 5\n`,
    supervisor: ["OK group=w name=w command='/bin/sleep 5' autorestart=RestartWhenExitUnexpected user_uid=None stdout=AUTO stderr=AUTO env={} dir=None"],
    warning: /:6: \[program:w\] command='\/bin\/cat': written again later in this section: the later value wins/,
  },
  { name: '26_no_program', text: `${HEAD}\n`, supervisor: [] },
  {
    name: '27_numprocs_start',
    text: `${HEAD}[program:w]\ncommand=/bin/cat\nnumprocs=3\nnumprocs_start=10\nprocess_name=%(program_name)s_%(process_num)02d\n`,
    supervisor: ['w_10', 'w_11', 'w_12'].map((n) => `OK group=w name=${n} command='/bin/cat' autorestart=RestartWhenExitUnexpected user_uid=None stdout=AUTO stderr=AUTO env={} dir=None`),
  },
  {
    name: '28_autoclean_logfile_none',
    text: `${HEAD}[program:w]\ncommand=/bin/cat\nstdout_logfile=NONE\nstderr_logfile=none\n`,
    supervisor: ["OK group=w name=w command='/bin/cat' autorestart=RestartWhenExitUnexpected user_uid=None stdout=None stderr=None env={} dir=None"],
  },
];

describe('config-validation captures that supervisord accepts', () => {
  for (const c of ACCEPTED) {
    it(`${c.name}: the same processes as supervisor`, () => {
      const { config, warnings } = load(c.name, c.text);
      const lines = config.groups.flatMap((g) => g.processes.map((p) => checkPyLine(g.name, p)));
      assert.deepEqual(lines, c.supervisor);
      const shown = warnings.map(formatProblem);
      if (c.warning) assert.ok(shown.some((w) => c.warning!.test(w)), shown.join('\n'));
      else assert.deepEqual(shown, []);
    });
  }
});

interface Refused {
  name: string;
  text: string;
  /** What supervisord printed (results.txt), for the reader. */
  supervisor: string;
  code: ConfigErrorCode;
  line?: number;
  section?: string;
  key?: string;
  value?: string;
  /** Where we refuse a file supervisord accepts: why. */
  ours?: string;
}

const REFUSED: Refused[] = [
  {
    name: '01_seed_as_is',
    text: SEED('/usr/local/go/bin/go run /Users/harryzhang/go/src/server/server.go', 'harryzhang', '/Users/harryzhang/go/src/server/server.log'),
    supervisor: "Invalid user name harryzhang in section 'program:server'",
    code: 'EUSER', line: 10, section: 'program:server', key: 'user', value: 'harryzhang',
  },
  {
    name: '02_seed_user_ok',
    text: SEED('/usr/bin/node /tmp/supexp/server.js', 'nobody', '/Users/harryzhang/go/src/server/server.log'),
    supervisor: 'The directory named as part of the path /Users/harryzhang/go/src/server/server.log does not exist',
    code: 'EDIRECTORY', line: 13, section: 'program:server', key: 'stdout_logfile', value: '/Users/harryzhang/go/src/server/server.log',
  },
  {
    name: '04_numprocs2_no_num', text: `${HEAD}[program:w]\ncommand=/bin/cat\nnumprocs=2\n`,
    supervisor: '%(process_num) must be present within process_name when numprocs > 1',
    code: 'ENUMPROCS', line: 5, section: 'program:w', key: 'process_name',
  },
  {
    name: '05_autorestart_bad', text: `${HEAD}[program:w]\ncommand=/bin/cat\nautorestart=maybe\n`,
    supervisor: "invalid 'autorestart' value 'maybe'",
    code: 'EVALUE', line: 7, section: 'program:w', key: 'autorestart', value: 'maybe',
  },
  {
    name: '06_no_command', text: `${HEAD}[program:w]\nautostart=true\n`,
    supervisor: 'program section program:w does not specify a command',
    code: 'ENOCOMMAND', line: 5, section: 'program:w',
  },
  {
    name: '07_name_colon', text: `${HEAD}[program:a:b]\ncommand=/bin/cat\n`,
    supervisor: "Invalid name: 'a:b' because of character: ':'",
    code: 'ENAME', line: 5, section: 'program:a:b',
  },
  {
    name: '08_env_missing', text: `${HEAD}[program:w]\ncommand=/bin/echo %(ENV_NOPE_NOT_SET)s\n`,
    supervisor: "Format string '/bin/echo %(ENV_NOPE_NOT_SET)s' for 'program:w.command' contains names ('ENV_NOPE_NOT_SET') which cannot be expanded",
    code: 'EEXPAND', line: 6, section: 'program:w', key: 'command', value: '/bin/echo %(ENV_NOPE_NOT_SET)s',
  },
  {
    name: '09_date_percent_s', text: `${HEAD}[program:w]\ncommand=/bin/date +%s\n`,
    supervisor: 'OK, with the repr of the whole expansion dict (every ENV_* variable) pasted into the command',
    code: 'EPERCENT', line: 6, section: 'program:w', key: 'command', value: '/bin/date +%s',
    ours: 'issue 10: a bare % is an error ("write %%"); pasting the environment into a command is never meant',
  },
  {
    name: '10_trailing_percent', text: `${HEAD}[program:w]\ncommand=/bin/echo 50%\n`,
    supervisor: "Format string '/bin/echo 50%' for 'program:w.command' is badly formatted: incomplete format",
    code: 'EPERCENT', line: 6, section: 'program:w', key: 'command', value: '/bin/echo 50%',
  },
  {
    name: '11_group_unknown', text: `${HEAD}[group:g]\nprograms=a,b\n[program:a]\ncommand=/bin/cat\n`,
    supervisor: '[program:a] names unknown program or fcgi-program b (supervisor names the wrong section)',
    code: 'EGROUP', line: 6, section: 'group:g', key: 'programs', value: 'a,b',
  },
  {
    name: '12_stopasgroup_conflict', text: `${HEAD}[program:w]\ncommand=/bin/cat\nstopasgroup=true\nkillasgroup=false\n`,
    supervisor: 'Cannot set stopasgroup=true and killasgroup=false',
    code: 'EVALUE', line: 8, section: 'program:w', key: 'killasgroup', value: 'false',
  },
  {
    name: '13_exitcode_range', text: `${HEAD}[program:w]\ncommand=/bin/cat\nexitcodes=0,256\n`,
    supervisor: "not a valid list of exit codes: '0,256'",
    code: 'EVALUE', line: 7, section: 'program:w', key: 'exitcodes', value: '0,256',
  },
  {
    name: '14_stopsignal_bad', text: `${HEAD}[program:w]\ncommand=/bin/cat\nstopsignal=FOO\n`,
    supervisor: "value 'FOO' is not a valid signal name",
    code: 'EVALUE', line: 7, section: 'program:w', key: 'stopsignal', value: 'FOO',
  },
  {
    name: '16_garbage_line', text: `${HEAD}[program:w]\ncommand=/bin/cat\nthis line has no delimiter\n`,
    supervisor: "Source contains parsing errors: '…/16_garbage_line.conf' [line  7]: 'this line has no delimiter\\n'",
    code: 'EPARSE', line: 7,
  },
  {
    name: '17_inet_user_only', text: `${HEAD}[inet_http_server]\nport=127.0.0.1:9999\nusername=admin\n[program:w]\ncommand=/bin/cat\n`,
    supervisor: 'Section [inet_http_server] contains incomplete authentication',
    code: 'EMISSING', line: 7, section: 'inet_http_server', key: 'username', value: 'admin',
  },
  {
    name: '18_startsecs_bad', text: `${HEAD}[program:w]\ncommand=/bin/cat\nstartsecs=abc\n`,
    supervisor: "invalid literal for int() with base 10: 'abc'",
    code: 'EVALUE', line: 7, section: 'program:w', key: 'startsecs', value: 'abc',
  },
  {
    name: '20_logfile_dir_missing', text: `${HEAD}[program:w]\ncommand=/bin/cat\nstdout_logfile=/nonexistent/dir/x.log\n`,
    supervisor: 'The directory named as part of the path /nonexistent/dir/x.log does not exist',
    code: 'EDIRECTORY', line: 7, section: 'program:w', key: 'stdout_logfile', value: '/nonexistent/dir/x.log',
  },
  {
    name: '25_semicolon_in_command', text: `${HEAD}[program:w]\ncommand=bash -c 'sleep 1 ; echo done'\n`,
    supervisor: "OK with command \"bash -c 'sleep 1\"; the process then goes FATAL at spawn (shlex: No closing quotation)",
    code: 'EVALUE', line: 6, section: 'program:w', key: 'command', value: "bash -c 'sleep 1",
    ours: 'a command shlex cannot split can never run: say so before starting anything, with the inline-comment hint',
  },
];

describe('config-validation captures that supervisord refuses (and two we refuse)', () => {
  for (const c of REFUSED) {
    it(`${c.name}: ${c.code}${c.ours ? ' (ours: supervisord accepts it)' : ''}`, () => {
      let error: unknown;
      try {
        load(c.name, c.text);
      } catch (e) {
        error = e;
      }
      assert.ok(error instanceof ConfigError, `expected a ConfigError; supervisor: ${c.supervisor}`);
      const file = `/tmp/cfgcases/${c.name}.conf`;
      assert.deepEqual(
        { code: error.code, file: error.file, line: error.line, section: error.section, key: error.key, value: error.value },
        { code: c.code, file, line: c.line, section: c.section, key: c.key, value: c.value },
      );
      const text = error.toString();
      assert.equal(text.split('\n').length, 1);
      assert.ok(text.startsWith(`${file}:${c.line}: `), text);
      if (c.key) assert.ok(text.includes(` ${c.key}`), text);
      if (c.value) assert.ok(text.includes(c.value), text);
      assert.equal(error.exitCode, 2);
    });
  }
});

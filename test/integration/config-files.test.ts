// loadConfig over real files through nodeConfigDeps: the seed included from
// a main file by a relative glob, and the errors of the main file itself.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config';
import { nodeConfigDeps } from '../../src/app/config-deps';
import { makeTempDir } from '../helpers/tmp';

const accounts = {
  lookupUser: (name: string) => (name === 'nobody' ? { name: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent' } : undefined),
  lookupGroup: () => undefined,
};

const SEED = (dir: string) => `[program:server]
process_name=%(program_name)s_%(process_num)02d
command=/usr/bin/env node ${dir}/server.js # 要执行的命令
autostart=true # 系统开机自动启动
autorestart=true # 进程终止自动重启
user=nobody # 用户
numprocs=1 # 启动进程数
redirect_stderr=true # 是否将标准错误重定向到标准输出
stdout_logfile=%(here)s/../log/server.log # 指定标准输出保存的文件路径
`;

describe('config files on disk', () => {
  it('reads the seed through [include] files=conf.d/*.conf, relative to the main file', (t) => {
    const dir = makeTempDir(t, 'tdaemon-config-');
    fs.mkdirSync(path.join(dir, 'conf.d'));
    fs.mkdirSync(path.join(dir, 'log'));
    fs.writeFileSync(path.join(dir, 'conf.d', 'server.conf'), SEED(dir));
    fs.writeFileSync(path.join(dir, 'supervisord.conf'), '[supervisord]\nlogfile=%(here)s/log/sd.log\n\n[include]\nfiles = conf.d/*.conf\n');
    const { config, warnings } = loadConfig(path.join(dir, 'supervisord.conf'), nodeConfigDeps(accounts));
    const p = config.groups[0].processes[0];
    assert.deepEqual([p.namespec, p.argv, p.stdout.logfile, p.user?.uid], ['server:server_00', ['/usr/bin/env', 'node', `${dir}/server.js`], `${dir}/log/server.log`, 65534]);
    assert.equal(config.supervisord.logfile, `${dir}/log/sd.log`);
    assert.deepEqual(warnings, []);
  });

  it('reports a missing config (exit 6) and a directory given as one (exit 4)', (t) => {
    const dir = makeTempDir(t, 'tdaemon-config-');
    const missing = path.join(dir, 'none.conf');
    assert.throws(() => loadConfig(missing, nodeConfigDeps(accounts)), (e) => e instanceof ConfigError && e.exitCode === 6);
    assert.throws(() => loadConfig(dir, nodeConfigDeps(accounts)), (e) => e instanceof ConfigError && e.exitCode === 4);
  });
});

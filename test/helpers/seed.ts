/** The seed section of issue 10, as users write it (inline comments in Chinese included). */
export const SEED = `[program:server]
process_name=%(program_name)s_%(process_num)02d
command=/usr/local/go/bin/go run /Users/harryzhang/go/src/server/server.go # 要执行的命令
autostart=true # 系统开机自动启动
autorestart=true # 进程终止自动重启
user=harryzhang # 用户
numprocs=1 # 启动进程数
redirect_stderr=true # 是否将标准错误重定向到标准输出
stdout_logfile=/Users/harryzhang/go/src/server/server.log # 指定标准输出保存的文件路径
`;

/** The seed's user, as a fake account lookup returns it. */
export const HARRY = { name: 'harryzhang', uid: 501, gid: 20, home: '/Users/harryzhang' };

// The config side of supervisor mode: read a supervisord config into typed
// specs (pure; the world comes in through ConfigDeps), and diff two of them.
//
// Where loadConfig differs from supervisord 4 on purpose (for the man page):
// - a file without [supervisord] runs with the defaults (supervisord refuses it);
// - a `%` that is neither %% nor %(name)X is an error ("write %%"), in every
//   value supervisor expands; supervisord pastes its expansion dict (the
//   whole environment) into `date +%s`;
// - a command shlex cannot split (often a ` ;` comment inside quotes), or an
//   empty one, is a config error, not a FATAL process at run time;
// - an unknown key or section is a warning naming the closest known one;
// - a duplicate process name in a group, a program in two groups, or two
//   groups of one name are errors (supervisord silently keeps one, or runs
//   the program twice); numprocs must be at least 1;
// - an included file we cannot read is an error (Python skips it silently);
// - stdout/stderr_logfile are expanded once (supervisord expands them twice,
//   so a %% in a log path cannot work there);
// - relative paths are made absolute against the cwd at load time;
// - stopasgroup unwritten means the whole family (see program-policy.ts).
export type { ConfigDeps, UserRecord } from './deps';
export { ConfigError, formatProblem, type ConfigErrorCode, type ConfigWarning } from './errors';
export { loadConfig, type LoadedConfig, type LoadOptions } from './load';
export { configSearchPath, findDefaultConfig } from './search-path';
export { diffGroups, diffProcesses, type GroupDiff, type ProcessChange, type ProcessDiff } from './diff';
export { POLICY_DEFAULTS, type PolicyDefaults } from './program-policy';
export { expandPercent, ExpansionProblem, type ExpansionNames } from './expand';
export { splitCommand } from './shlex';
export type * from '../model/program';
export type * from '../model/settings';

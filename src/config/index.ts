// The config side of supervisor mode: read a supervisord config into typed
// specs (pure; the world comes in through ConfigDeps), and diff two of them.
export type { ConfigDeps, UserRecord } from './deps';
export { ConfigError, formatProblem, type ConfigErrorCode, type ConfigWarning } from './errors';
export { loadConfig, type LoadedConfig } from './load';
export { configSearchPath, findDefaultConfig } from './search-path';
export { diffGroups, diffProcesses, type GroupDiff, type ProcessChange, type ProcessDiff } from './diff';
export { POLICY_DEFAULTS } from './program-policy';
export { expandPercent, ExpansionProblem, type ExpansionNames } from './expand';
export { splitCommand } from './shlex';
export type * from '../model/program';
export type * from '../model/settings';

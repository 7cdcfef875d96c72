// loadConfig: a supervisord config file (and what it includes) → the typed
// SupervisorConfig, or one ConfigError. Reads in supervisor's order:
// includes, [supervisord] (its environment= feeds ENV_X), groups and
// programs, then the server sections.
import type { SupervisorConfig } from '../model/settings';
import type { ConfigDeps } from './deps';
import type { ConfigWarning } from './errors';
import type { ExpansionNames } from './expand';
import { readGroups } from './groups';
import { emptyIniDocument, parseIniInto } from './ini';
import { readConfigText, readIncludes } from './include';
import { lintSections, refuseUnsupported } from './lint';
import { resolvePath } from './paths';
import { POLICY_DEFAULTS, type PolicyDefaults } from './program-policy';
import type { LoadContext } from './reader';
import { readInetHttpServers, readRpcInterfaces, readSupervisorctl, readUnixHttpServer } from './servers';
import { readSupervisord } from './supervisord';

export interface LoadedConfig {
  config: SupervisorConfig;
  /** One line each (formatProblem); supervisord would have said nothing for most. */
  warnings: ConfigWarning[];
}

export interface LoadOptions {
  /** Defaults of the tdaemon_* restart keys; POLICY_DEFAULTS when not given. */
  policyDefaults?: PolicyDefaults;
  /**
   * false: the programs are not read (groups is empty), only what locates
   * and reaches the supervisor, as supervisorctl reads its config. A client
   * verb of 100 programs then starts in a third of the time.
   */
  programs?: boolean;
}

/** Throws a ConfigError (see its exitCode) when the file cannot be used. */
export function loadConfig(path: string, deps: ConfigDeps, options: LoadOptions = {}): LoadedConfig {
  const file = resolvePath(deps.cwd, path);
  const doc = emptyIniDocument();
  parseIniInto(doc, readConfigText(deps, file, true), file);
  const ctx: LoadContext = {
    doc,
    deps,
    mainFile: file,
    warnings: [],
    envNames: environmentNames(deps.env),
    policyDefaults: options.policyDefaults ?? POLICY_DEFAULTS,
  };
  const included = readIncludes(ctx, file);
  refuseUnsupported(doc);
  const supervisord = readSupervisord(ctx);
  for (const [key, value] of Object.entries(supervisord.environment)) ctx.envNames[`ENV_${key}`] = value;
  const rpcInterfaces = readRpcInterfaces(ctx);
  const groups = options.programs === false ? [] : readGroups(ctx, supervisord);
  const config: SupervisorConfig = {
    file,
    files: [file, ...included],
    hasSupervisordSection: doc.sections.has('supervisord'),
    supervisord,
    unixHttpServer: readUnixHttpServer(ctx),
    inetHttpServers: readInetHttpServers(ctx),
    supervisorctl: readSupervisorctl(ctx),
    rpcInterfaces,
    groups,
  };
  return { config, warnings: [...lintSections(doc), ...ctx.warnings] };
}

function environmentNames(env: ConfigDeps['env']): ExpansionNames {
  const names: ExpansionNames = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) names[`ENV_${key}`] = value;
  return names;
}

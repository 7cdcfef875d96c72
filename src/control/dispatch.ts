/**
 * supervisor's XML-RPC namespace on top of a SupervisorBackend: the method
 * table (names, aliases, arity and types), the `system` methods including
 * multicall, and the parts of supervisor's rpcinterface that are protocol
 * rather than engine (namespec delegation, SHUTDOWN_STATE, process structs,
 * log reads). Pure: file access comes in through LogReader.
 */
import type { ConfigInfo, LogChannel, SupervisorBackend } from './backend';
import { API_VERSION, Faults, isRpcFault, RpcFault, splitNamespec, toProcessInfo, type ProcessResult } from './protocol';
import type { XmlRpcStruct, XmlRpcValue } from './xmlrpc';

/** Reads byte ranges of log files with supervisor's readFile/tailFile rules (see log-files.ts). */
export interface LogReader {
  exists(path: string): Promise<boolean>;
  /** Throws RpcFault BAD_ARGUMENTS or FAILED. */
  read(path: string, offset: number, length: number): Promise<string>;
  tail(path: string, offset: number, length: number): Promise<[string, number, boolean]>;
}

export interface DispatchDeps {
  backend: SupervisorBackend;
  logs: LogReader;
  /** Epoch seconds, for the `now` of process structs. */
  now?: () => number;
}

type Kind = 'string' | 'int' | 'boolean' | 'array' | 'signal';
type Args = Array<string | number | boolean | XmlRpcValue[]>;

interface Method {
  params: Kind[];
  /** How many of params may be left out (trailing). */
  optional?: number;
  returns: string;
  help: string;
  run(args: Args): Promise<XmlRpcValue>;
}

export interface Dispatcher {
  /** Resolves to the result; rejects with RpcFault for a fault, with anything else for a server bug (HTTP 500). */
  call(methodName: string, params: readonly XmlRpcValue[]): Promise<XmlRpcValue>;
  listMethods(): string[];
}

export function createDispatcher(deps: DispatchDeps): Dispatcher {
  const { backend, logs } = deps;
  const now = deps.now ?? (() => Date.now() / 1000);
  const methods = new Map<string, Method>();
  const define = (name: string, method: Method): void => void methods.set(name, method);

  const s = (v: Args[number]): string => v as string;
  const n = (v: Args[number]): number => v as number;
  const b = (v: Args[number] | undefined): boolean => (v === undefined ? true : Boolean(v));

  // ---- system ----
  define('system.listMethods', { params: [], returns: 'array', help: 'The names of every method this server answers.', run: async () => [...methods.keys()].sort() });
  define('system.methodHelp', {
    params: ['string'],
    returns: 'string',
    help: "A method's documentation.",
    run: async ([name]) => {
      const method = methods.get(s(name));
      if (!method) throw new RpcFault(Faults.SIGNATURE_UNSUPPORTED);
      return method.help;
    },
  });
  define('system.methodSignature', {
    params: ['string'],
    returns: 'array',
    help: 'The types of a method: [return type, parameter types...].',
    run: async ([name]) => {
      const method = methods.get(s(name));
      if (!method) throw new RpcFault(Faults.SIGNATURE_UNSUPPORTED);
      return [method.returns, ...method.params.map((kind) => (kind === 'signal' ? 'string' : kind))];
    },
  });
  define('system.multicall', {
    params: ['array'],
    returns: 'array',
    help: 'Runs calls [{methodName, params}] in order; each result is the bare value or {faultCode, faultString}.',
    run: async ([calls]) => {
      const results: XmlRpcValue[] = [];
      for (const entry of calls as XmlRpcValue[]) results.push(await runOneOfMany(entry));
      return results;
    },
  });

  async function runOneOfMany(entry: XmlRpcValue): Promise<XmlRpcValue> {
    try {
      const call = (entry ?? {}) as XmlRpcStruct;
      const name = typeof call === 'object' ? call.methodName : undefined;
      if (typeof name !== 'string') throw new RpcFault(Faults.INCORRECT_PARAMETERS, 'No methodName');
      if (name === 'system.multicall') throw new RpcFault(Faults.INCORRECT_PARAMETERS, 'Recursive system.multicall forbidden');
      const params = call.params ?? [];
      if (!Array.isArray(params)) throw new RpcFault(Faults.INCORRECT_PARAMETERS);
      return await dispatch(name, params);
    } catch (error) {
      if (isRpcFault(error)) return { faultCode: error.code, faultString: error.text };
      return { faultCode: Faults.FAILED, faultString: `FAILED: ${(error as Error)?.message ?? String(error)}` };
    }
  }

  // ---- supervisor: the supervisor itself ----
  const version = async (): Promise<string> => API_VERSION;
  define('supervisor.getAPIVersion', { params: [], returns: 'string', help: 'The XML-RPC API version ("3.0").', run: version });
  define('supervisor.getVersion', { params: [], returns: 'string', help: 'Deprecated alias of getAPIVersion.', run: version });
  define('supervisor.getSupervisorVersion', { params: [], returns: 'string', help: "The supervisor's version.", run: async () => backend.getSupervisorVersion() });
  define('supervisor.getIdentification', { params: [], returns: 'string', help: "The supervisor's identifier.", run: async () => backend.getIdentification() });
  define('supervisor.getState', { params: [], returns: 'struct', help: 'The supervisor state {statecode, statename}.', run: async () => ({ ...(await backend.getState()) }) });
  define('supervisor.getPID', { params: [], returns: 'int', help: "The supervisor's pid.", run: async () => backend.getPID() });
  define('supervisor.shutdown', { params: [], returns: 'boolean', help: 'Stops every process, then the supervisor.', run: async () => backend.shutdown() });
  define('supervisor.reloadConfig', {
    params: [],
    returns: 'array',
    help: 'Re-reads the configuration: [[added, changed, removed]] group names.',
    run: async () => [await backend.reloadConfig()],
  });
  define('supervisor.addProcessGroup', { params: ['string'], returns: 'boolean', help: 'Adds a group from the re-read configuration.', run: async ([g]) => backend.addProcessGroup(s(g)) });
  define('supervisor.removeProcessGroup', { params: ['string'], returns: 'boolean', help: 'Removes a stopped group.', run: async ([g]) => backend.removeProcessGroup(s(g)) });
  if (backend.restart) {
    const restart = backend.restart.bind(backend);
    define('supervisor.restart', { params: [], returns: 'boolean', help: 'Restarts the supervisor.', run: async () => restart() });
  }
  if (backend.mainLogFile) {
    const mainLogFile = backend.mainLogFile.bind(backend);
    const readLog: Method = {
      params: ['int', 'int'],
      returns: 'string',
      help: "Reads the supervisor's log: offset, length.",
      run: async ([offset, length]) => {
        const file = await mainLogFile();
        if (!file || !(await logs.exists(file))) throw new RpcFault(Faults.NO_FILE, file);
        return logs.read(file, n(offset), n(length));
      },
    };
    define('supervisor.readLog', readLog);
    define('supervisor.readMainLog', readLog);
  }
  if (backend.clearLog) {
    const clearLog = backend.clearLog.bind(backend);
    define('supervisor.clearLog', { params: [], returns: 'boolean', help: "Clears the supervisor's log.", run: async () => clearLog() });
  }

  // ---- supervisor: processes ----
  /** BAD_NAME for `group:*` where one process is meant (supervisor's _getGroupAndProcess). */
  const oneProcess = (namespec: string): string => {
    if (splitNamespec(namespec)[1] === null) throw new RpcFault(Faults.BAD_NAME, namespec);
    return namespec;
  };
  /** `group:*` on a single-process method runs the group method, keeping the fault text of the name given. */
  const perGroupOr = async (namespec: string, group: (g: string) => Promise<ProcessResult[]> | ProcessResult[], one: () => Promise<XmlRpcValue> | XmlRpcValue): Promise<XmlRpcValue> => {
    const [groupName, processName] = splitNamespec(namespec);
    if (processName !== null) return one();
    try {
      return results(await group(groupName));
    } catch (error) {
      if (isRpcFault(error) && error.code === Faults.BAD_NAME) throw new RpcFault(Faults.BAD_NAME, namespec);
      throw error;
    }
  };

  define('supervisor.getProcessInfo', {
    params: ['string'],
    returns: 'struct',
    help: 'The status of one process.',
    run: async ([name]) => processStruct(await backend.getProcessInfo(oneProcess(s(name))), now()),
  });
  define('supervisor.getAllProcessInfo', {
    params: [],
    returns: 'array',
    help: 'The status of every process, by group then name.',
    run: async () => {
      const t = now();
      return (await backend.getAllProcessInfo()).map((facts) => processStruct(facts, t));
    },
  });
  define('supervisor.getAllConfigInfo', { params: [], returns: 'array', help: 'The configuration of every program.', run: async () => (await backend.getAllConfigInfo()).map(configStruct) });

  define('supervisor.startProcess', {
    params: ['string', 'boolean'],
    optional: 1,
    returns: 'boolean',
    help: 'Starts a process (name, or group:*); waits for RUNNING unless wait is false.',
    run: async ([name, wait]) => perGroupOr(s(name), (g) => backend.startProcessGroup(g, b(wait)), () => backend.startProcess(s(name), b(wait))),
  });
  define('supervisor.startProcessGroup', { params: ['string', 'boolean'], optional: 1, returns: 'array', help: 'Starts every process of a group.', run: async ([g, wait]) => results(await backend.startProcessGroup(s(g), b(wait))) });
  define('supervisor.startAllProcesses', { params: ['boolean'], optional: 1, returns: 'array', help: 'Starts every process.', run: async ([wait]) => results(await backend.startAllProcesses(b(wait))) });
  define('supervisor.stopProcess', {
    params: ['string', 'boolean'],
    optional: 1,
    returns: 'boolean',
    help: 'Stops a process (name, or group:*); waits until it is stopped unless wait is false.',
    run: async ([name, wait]) => perGroupOr(s(name), (g) => backend.stopProcessGroup(g, b(wait)), () => backend.stopProcess(s(name), b(wait))),
  });
  define('supervisor.stopProcessGroup', { params: ['string', 'boolean'], optional: 1, returns: 'array', help: 'Stops every process of a group.', run: async ([g, wait]) => results(await backend.stopProcessGroup(s(g), b(wait))) });
  define('supervisor.stopAllProcesses', { params: ['boolean'], optional: 1, returns: 'array', help: 'Stops every process.', run: async ([wait]) => results(await backend.stopAllProcesses(b(wait))) });
  define('supervisor.signalProcess', {
    params: ['string', 'signal'],
    returns: 'boolean',
    help: 'Sends a signal (name or number) to a process (name, or group:*).',
    run: async ([name, sig]) => perGroupOr(s(name), (g) => backend.signalProcessGroup(g, s(sig)), () => backend.signalProcess(s(name), s(sig))),
  });
  define('supervisor.signalProcessGroup', { params: ['string', 'signal'], returns: 'array', help: 'Signals every process of a group.', run: async ([g, sig]) => results(await backend.signalProcessGroup(s(g), s(sig))) });
  define('supervisor.signalAllProcesses', { params: ['signal'], returns: 'array', help: 'Signals every process.', run: async ([sig]) => results(await backend.signalAllProcesses(s(sig))) });

  // ---- supervisor: process logs ----
  const readChannel = (channel: LogChannel): Method => ({
    params: ['string', 'int', 'int'],
    returns: 'string',
    help: `Reads a process's ${channel} log: name, offset, length (offset < 0 and length 0: the last -offset bytes).`,
    run: async ([name, offset, length]) => {
      const file = await backend.logFile(oneProcess(s(name)), channel);
      if (!file || !(await logs.exists(file))) throw new RpcFault(Faults.NO_FILE, file);
      return logs.read(file, n(offset), n(length));
    },
  });
  const tailChannel = (channel: LogChannel): Method => ({
    params: ['string', 'int', 'int'],
    returns: 'array',
    help: `Tails a process's ${channel} log: name, offset, length -> [bytes, new offset, overflow].`,
    run: async ([name, offset, length]) => {
      const file = await backend.logFile(oneProcess(s(name)), channel);
      if (!file || !(await logs.exists(file))) return ['', 0, false];
      return logs.tail(file, n(offset), n(length));
    },
  });
  define('supervisor.readProcessStdoutLog', readChannel('stdout'));
  define('supervisor.readProcessLog', readChannel('stdout'));
  define('supervisor.readProcessStderrLog', readChannel('stderr'));
  define('supervisor.tailProcessStdoutLog', tailChannel('stdout'));
  define('supervisor.tailProcessLog', tailChannel('stdout'));
  define('supervisor.tailProcessStderrLog', tailChannel('stderr'));
  const clearOne: Method = { params: ['string'], returns: 'boolean', help: "Clears a process's logs.", run: async ([name]) => backend.clearProcessLogs(oneProcess(s(name))) };
  define('supervisor.clearProcessLogs', clearOne);
  define('supervisor.clearProcessLog', clearOne);
  define('supervisor.clearAllProcessLogs', { params: [], returns: 'array', help: "Clears every process's logs.", run: async () => results(await backend.clearAllProcessLogs()) });
  if (backend.updateProcessGroup) {
    const update = backend.updateProcessGroup.bind(backend);
    define('tdaemon.updateProcessGroup', {
      params: ['string'],
      returns: 'boolean',
      help: "Applies a re-read group's changes process by process: only added, removed and changed processes are touched.",
      run: async ([g]) => update(s(g)),
    });
  }
  if (backend.sendProcessStdin) {
    const send = backend.sendProcessStdin.bind(backend);
    define('supervisor.sendProcessStdin', { params: ['string', 'string'], returns: 'boolean', help: "Writes to a process's stdin.", run: async ([name, chars]) => send(oneProcess(s(name)), s(chars)) });
  }

  async function dispatch(methodName: string, params: readonly XmlRpcValue[]): Promise<XmlRpcValue> {
    // Only `namespace.method` names, and nothing private (supervisor's guard after CVE-2017-11610).
    const parts = methodName.split('.');
    const method = parts.length === 2 && !parts[1].startsWith('_') ? methods.get(methodName) : undefined;
    if (!method) throw new RpcFault(Faults.UNKNOWN_METHOD);
    const args = checkParams(method, params);
    if (parts[0] === 'supervisor') {
      const state = await backend.getState();
      if (state.statecode < 1) throw new RpcFault(Faults.SHUTDOWN_STATE);
    }
    return method.run(args);
  }

  return { call: dispatch, listMethods: () => [...methods.keys()].sort() };
}

function checkParams(method: Method, params: readonly XmlRpcValue[]): Args {
  const required = method.params.length - (method.optional ?? 0);
  if (params.length < required || params.length > method.params.length) throw new RpcFault(Faults.INCORRECT_PARAMETERS);
  return params.map((value, i) => {
    const kind = method.params[i];
    if (kind === 'string' && typeof value === 'string') return value;
    if (kind === 'int' && typeof value === 'number' && Number.isInteger(value)) return value;
    // Python's truthiness: an int works as a boolean.
    if (kind === 'boolean' && (typeof value === 'boolean' || typeof value === 'number')) return Boolean(value);
    if (kind === 'array' && Array.isArray(value)) return value;
    // supervisor takes a signal as a name or a number.
    if (kind === 'signal' && (typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)))) return String(value);
    throw new RpcFault(Faults.INCORRECT_PARAMETERS);
  });
}

function processStruct(facts: Parameters<typeof toProcessInfo>[0], nowSeconds: number): XmlRpcStruct {
  return { ...toProcessInfo(facts, nowSeconds) };
}

function results(list: ProcessResult[]): XmlRpcValue {
  return list.map((r) => ({ name: r.name, group: r.group, status: r.status, description: r.description }));
}

const CONFIG_KEYS: ReadonlyArray<keyof ConfigInfo> = [
  'autostart', 'directory', 'uid', 'command', 'exitcodes', 'group', 'group_prio', 'inuse', 'killasgroup', 'name', 'process_prio',
  'redirect_stderr', 'startretries', 'startsecs', 'stdout_capture_maxbytes', 'stdout_events_enabled', 'stdout_logfile',
  'stdout_logfile_backups', 'stdout_logfile_maxbytes', 'stdout_syslog', 'stopsignal', 'stopwaitsecs', 'stderr_capture_maxbytes',
  'stderr_events_enabled', 'stderr_logfile', 'stderr_logfile_backups', 'stderr_logfile_maxbytes', 'stderr_syslog', 'serverurl',
];

/** The config struct with supervisor's key order. */
function configStruct(info: ConfigInfo): XmlRpcStruct {
  const struct: XmlRpcStruct = {};
  for (const key of CONFIG_KEYS) struct[key] = info[key];
  return struct;
}

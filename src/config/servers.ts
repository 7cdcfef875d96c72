// [unix_http_server], [inet_http_server], [supervisorctl] and
// [rpcinterface:x]: where the supervisor listens and how clients reach it.
import type {
  Credentials,
  InetHttpServerSettings,
  RpcInterfaceSettings,
  SupervisorctlSettings,
  UnixHttpServerSettings,
} from '../model/settings';
import type { ExpansionNames } from './expand';
import { expandUser, resolvePath } from './paths';
import { SectionReader, type LoadContext } from './reader';
import * as v from './values';

export function readUnixHttpServer(ctx: LoadContext): UnixHttpServerSettings | null {
  if (!ctx.doc.sections.has('unix_http_server')) return null;
  const r = new SectionReader(ctx, 'unix_http_server');
  const names = ctx.envNames;
  const file = r.value('file', names, (f) => absolute(r, f.trim()), null);
  if (file === null) return r.fail('EMISSING', 'no file= (the path of the socket)', 'file');
  return {
    file,
    chmod: r.value('chmod', names, v.parseOctal, 0o700),
    chown: r.value('chown', names, (text) => parseOwner(r, text), null),
    ...readCredentials(r, names),
    source: { file: r.file, section: r.section, line: r.line ?? 0 },
  };
}

/** Every [inet_http_server] and [inet_http_server:NAME] (an undocumented form supervisor reads). */
export function readInetHttpServers(ctx: LoadContext): InetHttpServerSettings[] {
  const out: InetHttpServerSettings[] = [];
  for (const section of ctx.doc.sections.keys()) {
    if (!section.startsWith('inet_http_server')) continue;
    const r = new SectionReader(ctx, section);
    const colon = section.indexOf(':');
    const address = r.value('port', ctx.envNames, v.parseInetAddress, null);
    if (address === null) return r.fail('EMISSING', 'no port= (host:port, *:port or port)', 'port');
    out.push({
      name: colon === -1 ? null : section.slice(colon + 1),
      ...address,
      ...readCredentials(r, ctx.envNames),
      source: { file: r.file, section, line: r.line ?? 0 },
    });
  }
  return out;
}

export function readSupervisorctl(ctx: LoadContext): SupervisorctlSettings | null {
  if (!ctx.doc.sections.has('supervisorctl')) return null;
  const r = new SectionReader(ctx, 'supervisorctl');
  const names = ctx.envNames;
  const serverurl = r.value('serverurl', names, (url) => url, 'http://localhost:9001');
  return {
    serverurl: serverurl.startsWith('unix://') ? `unix://${absolute(r, serverurl.slice(7))}` : serverurl,
    prompt: r.value('prompt', names, (t) => t, 'supervisor'),
    historyFile: r.value('history_file', names, (f) => (f ? absolute(r, f) : null), null),
    ...readCredentials(r, names),
  };
}

/**
 * A Node supervisor cannot import Python factories: [rpcinterface:supervisor]
 * means "serve the supervisor namespace"; any other is reported and ignored.
 */
export function readRpcInterfaces(ctx: LoadContext): RpcInterfaceSettings[] {
  const out: RpcInterfaceSettings[] = [];
  const factoryKey = 'supervisor.rpcinterface_factory';
  for (const section of ctx.doc.sections.keys()) {
    if (!section.startsWith('rpcinterface:')) continue;
    const r = new SectionReader(ctx, section);
    const factory = r.value(factoryKey, ctx.envNames, (t) => t, null);
    if (factory === null) return r.fail('EMISSING', `no ${factoryKey}=`, factoryKey);
    const extras: Record<string, string> = {};
    for (const key of ctx.doc.sections.get(section)!.entries.keys()) {
      if (key !== factoryKey) extras[key] = r.text(key, ctx.envNames)!;
    }
    const name = section.slice('rpcinterface:'.length);
    if (name !== 'supervisor') r.warn(`only [rpcinterface:supervisor] is served; this section is ignored`);
    out.push({ name, factory, extras });
  }
  return out;
}

/** supervisor insists on both or neither. */
function readCredentials(r: SectionReader, names: ExpansionNames): Credentials {
  const username = r.text('username', names) ?? null;
  const password = r.text('password', names) ?? null;
  if (username === null && password !== null) r.fail('EMISSING', 'password without username: set both or neither', 'password');
  if (username !== null && password === null) r.fail('EMISSING', 'username without password: set both or neither', 'username');
  return { username, password };
}

/** `user` or `user:group`, both looked up now. */
function parseOwner(r: SectionReader, text: string): { uid: number; gid: number } {
  const colon = text.indexOf(':');
  const user = r.ctx.deps.lookupUser(colon === -1 ? text : text.slice(0, colon));
  const group = colon === -1 ? { gid: -1 } : r.ctx.deps.lookupGroup(text.slice(colon + 1));
  if (!user || !group) throw new v.ValueProblem('not an existing user or user:group');
  return { uid: user.uid, gid: group.gid };
}

function absolute(r: SectionReader, path: string): string {
  const { deps } = r.ctx;
  return resolvePath(deps.cwd, expandUser(path, deps.env.HOME, (name) => deps.lookupUser(name)?.home));
}

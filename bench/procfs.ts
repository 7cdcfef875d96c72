import * as fs from 'node:fs';

/** Memory figures of /proc/PID/status, in kB as the kernel prints them. */
export interface MemoryReading {
  vmRssKb: number;
  rssAnonKb: number;
}

/**
 * VmRSS and RssAnon of a live process. VmRSS counts the shared, file-backed
 * node binary in full for every process, so processes running side by side
 * do not lower each other's figure (Pss would).
 */
export function readMemory(pid: number): MemoryReading {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s*(\\d+) kB$`, 'm').exec(text);
    if (!match) throw new Error(`/proc/${pid}/status has no ${name}`);
    return Number(match[1]);
  };
  return { vmRssKb: field('VmRSS'), rssAnonKb: field('RssAnon') };
}

export function kbToMiB(kb: number): number {
  return kb / 1024;
}

interface StatFields {
  state: string;
  ppid: number;
}

/** The command name may hold spaces and ')', so fields count from the last ')'. */
function readStat(pid: number): StatFields | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: f[0], ppid: Number(f[1]) };
  } catch {
    return null;
  }
}

/**
 * Live children of PID with their command names. This kernel has no
 * /proc/PID/task/TID/children, so every process's parent is read instead.
 */
export function listChildren(pid: number): Array<{ pid: number; comm: string }> {
  const children: Array<{ pid: number; comm: string }> = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (!stat || stat.ppid !== pid || stat.state === 'Z' || stat.state === 'X') continue;
    try {
      children.push({ pid: Number(name), comm: fs.readFileSync(`/proc/${name}/comm`, 'utf8').trim() });
    } catch {
      // gone while reading
    }
  }
  return children;
}

/** Syscall numbers of epoll_wait, epoll_pwait and epoll_pwait2 (arm64 has no plain epoll_wait). */
const EPOLL_SYSCALLS = new Set(process.arch === 'arm64' ? [22, 441] : [232, 281, 441]);

/**
 * True when the main thread of a node process sits in epoll: it has run its
 * script and is idling in libuv's loop, so startup is over. Null when
 * /proc/PID/syscall cannot be read (no ptrace access); callers then rely on
 * their settle time alone.
 */
export function isIdleInEventLoop(pid: number): boolean | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/syscall`, 'utf8');
  } catch {
    return null;
  }
  return EPOLL_SYSCALLS.has(Number(text.split(' ')[0]));
}

import { DaemonError } from '../model/errors';

export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** Looks USER up through NSS (getent), so LDAP and sssd accounts work too. */
export function lookupUser(user: string): Account {
  const fields = getent('passwd', user);
  if (!fields) throw new DaemonError('USAGE', `no such user: '${user}'`);
  return { name: fields[0], uid: Number(fields[2]), gid: Number(fields[3]), home: fields[5] };
}

export function lookupGroup(group: string): number {
  const fields = getent('group', group);
  if (!fields) throw new DaemonError('USAGE', `no such group: '${group}'`);
  return Number(fields[2]);
}

/** The fields of KEY's entry in an NSS DATABASE (passwd, group), or null. */
export function getent(database: string, key: string): string[] | null {
  if (key === '' || key.includes(':') || key.includes('\n')) return null;
  try {
    const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
    const line = execFileSync('getent', [database, key], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0];
    return line ? line.split(':') : null;
  } catch {
    return null;
  }
}

import type { Account } from './users';
import { getent } from './users';

/**
 * Account lookups that answer "none" instead of throwing: loadConfig's
 * (ConfigDeps) shape, which names the bad user in its own error.
 */
export function findUser(nameOrUid: string): Account | undefined {
  const fields = getent('passwd', nameOrUid.trim());
  return fields ? { name: fields[0], uid: Number(fields[2]), gid: Number(fields[3]), home: fields[5] } : undefined;
}

export function findGroup(nameOrGid: string): { name: string; gid: number } | undefined {
  const fields = getent('group', nameOrGid.trim());
  return fields ? { name: fields[0], gid: Number(fields[2]) } : undefined;
}

import * as crypto from 'node:crypto';
import { run, type RunResult } from './run';
import { sleep } from './processes';

/** A user made for one test, with a supplementary group of its own. */
export interface TestAccount {
  user: string;
  uid: number;
  /** Its primary group (nogroup) and its supplementary group. */
  gid: number;
  extraGroup: string;
  extraGid: number;
}

/** shadow's tools lock /etc/passwd and /etc/group; another suite may hold the lock for a moment. */
async function retryLocked(file: string, args: string[]): Promise<RunResult> {
  const deadline = Date.now() + 10000;
  for (;;) {
    const result = await run(file, args);
    if (result.code === 0 || !/lock/i.test(result.stderr) || Date.now() > deadline) return result;
    await sleep(50);
  }
}

/**
 * Creates a group and a user (no home, no login shell, primary group
 * nogroup, member of that group) and removes both when the test ends: the
 * system is left as it was. Needs root.
 */
export async function makeTestAccount(t: { after: (fn: () => Promise<void>) => void }): Promise<TestAccount> {
  const tag = crypto.randomBytes(4).toString('hex');
  const extraGroup = `tdg${tag}`;
  const user = `tdu${tag}`;
  const group = await retryLocked('groupadd', [extraGroup]);
  if (group.code !== 0) throw new Error(`groupadd ${extraGroup}: ${group.stderr}`);
  t.after(async () => {
    await retryLocked('userdel', [user]);
    await retryLocked('groupdel', [extraGroup]);
  });
  const added = await retryLocked('useradd', ['-M', '-N', '-g', 'nogroup', '-G', extraGroup, '-s', '/usr/sbin/nologin', '-d', '/nonexistent', user]);
  if (added.code !== 0) throw new Error(`useradd ${user}: ${added.stderr}`);
  const passwd = (await run('getent', ['passwd', user])).stdout.split(':');
  const extra = (await run('getent', ['group', extraGroup])).stdout.split(':');
  return { user, uid: Number(passwd[2]), gid: Number(passwd[3]), extraGroup, extraGid: Number(extra[2]) };
}

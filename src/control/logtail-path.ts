/** The process and channel a /logtail URL names. */
import type { LogChannel } from './backend';
import { splitNamespec } from './protocol';

/**
 * `/logtail/group:name/stderr` (percent-encoding allowed; no channel means
 * stdout). Returns null for anything else: the name is only ever looked up
 * among known processes, never used as a path.
 */
export function parseLogtailPath(url: string): { namespec: string; channel: LogChannel } | null {
  let path = url.split('?')[0].split('#')[0];
  try {
    if (path.includes('%')) path = decodeURIComponent(path);
  } catch {
    return null;
  }
  const rest = path.replace(/^\/+/, '').slice('logtail'.length);
  if (!rest.startsWith('/')) return null;
  const [namespec, channel = 'stdout', ...extra] = rest.slice(1).split('/');
  if (!namespec || extra.length || (channel !== 'stdout' && channel !== 'stderr')) return null;
  if (splitNamespec(namespec)[1] === null) return null;
  return { namespec, channel };
}

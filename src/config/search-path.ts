// Where supervisord and supervisorctl look for a config when given no -c:
// two places beside the executable's parent directory, two in the current
// directory, two in /etc; the first that exists wins.
import { dirname, joinPath, resolvePath } from './paths';

/** ARGV0: the path the program was run as (supervisor uses sys.argv[0]). */
export function configSearchPath(argv0: string, cwd: string): string[] {
  const here = dirname(dirname(argv0));
  return [
    joinPath(here, 'etc', 'supervisord.conf'),
    joinPath(here, 'supervisord.conf'),
    'supervisord.conf',
    'etc/supervisord.conf',
    '/etc/supervisord.conf',
    '/etc/supervisor/supervisord.conf',
  ].map((path) => resolvePath(cwd, path));
}

export function findDefaultConfig(paths: string[], exists: (path: string) => boolean): string | undefined {
  return paths.find(exists);
}

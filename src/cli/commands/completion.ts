import { namedDaemonNames } from '../../app/list';
import { writeQuietly } from '../../common/say';
import { VERSION } from '../../common/version';
import { DaemonError } from '../../model/errors';
import { EXIT } from '../../policy/exit-codes';
import { bashCompletion } from '../completion-bash';
import { IDENTITY_OPTIONS } from '../options';
import type { Command } from './command';
import { COMMANDS } from '.';

/**
 * `tdaemon completion bash` prints the bash completion script; the script
 * runs `tdaemon completion names` for the values of --name.
 */
export const completionCommand: Command = {
  name: 'completion',
  usage: 'tdaemon completion bash',
  describe: 'print the bash completion script (tdaemon(1), completion, says where to put it)',
  options: {},
  takesCommand: true,
  mode: 'both',
  createsFiles: false,
  noIdentity: true,
  run: ({ command }) => {
    const [what, ...rest] = command;
    if (rest.length > 0 || (what !== 'bash' && what !== 'names')) {
      throw new DaemonError('USAGE', `completion takes 'bash'${what === undefined ? '' : `, not '${command.join(' ')}'`}`);
    }
    if (what === 'names') {
      const names = namedDaemonNames();
      writeQuietly(1, names.length > 0 ? `${names.join('\n')}\n` : '');
      return EXIT.OK;
    }
    const globals = { ...IDENTITY_OPTIONS, help: { type: 'boolean' as const, alias: 'h' }, version: { type: 'boolean' as const } };
    writeQuietly(1, bashCompletion(COMMANDS, globals, VERSION));
    return EXIT.OK;
  },
};

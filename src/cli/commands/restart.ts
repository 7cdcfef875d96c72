import { restartDaemon } from '../../app/restart';
import { RELOAD_OPTIONS, RESTART_OPTIONS, START_OPTIONS, STOP_OPTIONS } from '../options';
import { startDefaults, startOverrides } from '../start-options';
import type { Command } from './command';
import { renderStart } from './start';
import { renderStop } from './stop';

export const restartCommand: Command = {
  name: 'restart',
  usage: 'tdaemon {--pidfile FILE | --name NAME} restart [OPTION]... [[--] COMMAND [ARG]...]',
  describe: 'stop, then start again as recorded: command, options, environment (or with the COMMAND given)',
  options: { ...START_OPTIONS, ...RESTART_OPTIONS, ...STOP_OPTIONS, ...RELOAD_OPTIONS },
  takesCommand: true,
  mode: 'daemon',
  createsFiles: true,
  run: async ({ paths, argv, command }) => {
    const resolved = paths();
    const outcome = await restartDaemon(resolved, command, startOverrides(argv), startDefaults(), { updateEnv: argv['update-env'] === true });
    const stopped = renderStop(resolved, outcome.stop);
    return outcome.start === null ? stopped : renderStart(resolved, outcome.start);
  },
};

import type { Command } from './command';
import { completionCommand } from './completion';
import { exportCommand } from './export';
import { listCommand } from './list';
import { logsCommand } from './logs';
import { reloadCommand } from './reload';
import { reopenCommand } from './reopen';
import { restartCommand } from './restart';
import { startCommand } from './start';
import { statusCommand } from './status';
import { stopCommand } from './stop';
import { SUPERVISOR_COMMANDS } from './supervisor';

/** Every verb, in the order --help lists them. A new verb is one module and one line here. */
export const COMMANDS: readonly Command[] = [
  startCommand,
  stopCommand,
  restartCommand,
  statusCommand,
  reloadCommand,
  logsCommand,
  reopenCommand,
  listCommand,
  exportCommand,
  completionCommand,
  ...SUPERVISOR_COMMANDS,
];

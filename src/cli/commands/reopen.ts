import { reopenLogs } from '../../app/reopen';
import { EXIT } from '../../policy/exit-codes';
import { describeStatus } from '../../policy/status-text';
import { complain, say } from '../report';
import type { Command } from './command';

export const reopenCommand: Command = {
  name: 'reopen',
  usage: 'tdaemon [--pidfile FILE | --name NAME] reopen',
  describe: "make a watched daemon's watchdog open its log again by name (after logrotate renamed it)",
  options: {},
  takesCommand: false,
  mode: 'daemon',
  createsFiles: false,
  run: async ({ paths }) => {
    const { name, pidfile } = paths();
    const outcome = await reopenLogs(paths());
    switch (outcome.kind) {
      case 'reopened':
        say(`${name}: watchdog ${outcome.watchdog} reopened ${outcome.files.join(' and ') || 'nothing (the log is not a regular file)'}`);
        return EXIT.OK;
      case 'pending':
        complain(`${name}: watchdog ${outcome.watchdog} did not reopen ${outcome.files.join(' and ') || 'its log'} within ${outcome.limitMs / 1000} s (it waits for the end of a line the daemon has not finished)`);
        return EXIT.FAILURE;
      case 'not-watched':
        complain(`${name}: reopen needs a watched daemon (start --respawn); this one writes to ${outcome.log} itself: rotate it with logrotate's copytruncate`);
        return EXIT.UNIMPLEMENTED;
      case 'old-watchdog':
        complain(`${name}: watchdog ${outcome.watchdog} was started by an older tdaemon, whose daemon writes to the log itself: 'tdaemon restart' it, or rotate with copytruncate`);
        return EXIT.UNIMPLEMENTED;
      case 'unknown':
        complain(`${name}: ${describeStatus(outcome.verdict, pidfile)}`);
        return EXIT.FAILURE;
      case 'not-running':
        complain(`${name}: not running`);
        return EXIT.NOT_RUNNING;
      case 'not-permitted':
        complain(`${name}: cannot signal watchdog ${outcome.watchdog}`);
        return EXIT.PRIVILEGE;
    }
  },
};

import { reloadDaemon } from '../../app/reload';
import { EXIT } from '../../policy/exit-codes';
import { describeStatus, foreignRefusal } from '../../policy/status-text';
import { one, parseSignalOption, RELOAD_OPTIONS } from '../options';
import { complain, say } from '../report';
import type { Command } from './command';

export const reloadCommand: Command = {
  name: 'reload',
  usage: 'tdaemon {--pidfile FILE | --name NAME} reload [--reload-signal SIG]',
  describe: 'send the reload signal (HUP) to the daemon',
  options: RELOAD_OPTIONS,
  takesCommand: false,
  mode: 'daemon',
  createsFiles: false,
  run: ({ paths, argv }) => {
    const { name, pidfile } = paths();
    const outcome = reloadDaemon(paths(), parseSignalOption('reload-signal', one(argv['reload-signal'])));
    switch (outcome.kind) {
      case 'sent':
        say(`sent ${outcome.signal} to ${name} (pid ${outcome.pid})`);
        return EXIT.OK;
      case 'unknown':
        complain(`${name}: ${describeStatus(outcome.verdict, pidfile)}`);
        return EXIT.FAILURE;
      case 'not-running': {
        const { verdict } = outcome;
        complain(verdict.kind === 'not-running' ? `${name}: not running` : `${name}: not running (${describeStatus(verdict, pidfile)})`);
        return EXIT.NOT_RUNNING;
      }
      case 'refused':
        complain(`${name}: pid ${outcome.pid} ${outcome.problem}; nothing sent`);
        return EXIT.FAILURE;
      case 'foreign':
        complain(`${name}: ${foreignRefusal(outcome.verdict, pidfile, 'nothing sent')}`);
        return EXIT.PRIVILEGE;
      case 'not-permitted':
        complain(`${name}: cannot signal pid ${outcome.pid}`);
        return EXIT.PRIVILEGE;
    }
  },
};

// Entry of the watchdog process that `tdaemon start --respawn` spawns. A
// bundle of its own, so that the long-lived process never loads yargs.
import { reportCrash, runWatchdog } from '../app/watchdog';

const [pidfile, name] = process.argv.slice(2);
runWatchdog(pidfile, name).then(
  (code) => process.exit(code),
  (error: unknown) => {
    try {
      reportCrash((error as Error)?.stack ?? String(error));
    } finally {
      process.exit(1);
    }
  },
);

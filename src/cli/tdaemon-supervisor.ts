// The supervisor's bundle (dist/tdaemon-supervisor.js): the engine, the
// config reader and the control server. `tdaemon -c FILE supervise` loads it
// in its own process (the supervisor is that process, so a service manager
// signals the right pid); `up` runs it as a detached process of its own.
import { runSupervisor } from '../app/supervisor/supervisor';
import { complain, reportError } from './report';

export function supervise(configFile: string): Promise<number> {
  return runSupervisor(configFile, complain);
}

if (require.main === module) {
  runSupervisor(process.argv[2], complain).then(
    (code) => process.exit(code),
    (error: unknown) => process.exit(reportError(error)),
  );
}

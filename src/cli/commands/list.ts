import path = require('node:path');
import { listNamedDaemons, runningSupervisorConfigs, type ListRow } from '../../app/list';
import { writeQuietly } from '../../common/say';
import { formatCommand, formatUptime } from '../../policy/describe';
import { EXIT } from '../../policy/exit-codes';
import type { Command } from './command';

export const listCommand: Command = {
  name: 'list',
  usage: 'tdaemon list [--json]',
  describe: 'one table of every daemon of yours: named daemons, and the programs of running supervisors',
  options: { json: { type: 'boolean', describe: 'print one JSON array instead' } },
  takesCommand: false,
  mode: 'daemon',
  createsFiles: false,
  noIdentity: true,
  run: async ({ argv }) => {
    const rows = listNamedDaemons();
    const configs = runningSupervisorConfigs();
    if (configs.length > 0) {
      // The supervisors' client is a bundle of its own, loaded only when one runs.
      const { listSupervisedPrograms } = require(path.join(__dirname, 'tdaemon-ctl.js')) as typeof import('../tdaemon-ctl');
      rows.push(...(await listSupervisedPrograms(configs)));
    }
    writeQuietly(1, argv.json === true ? `${JSON.stringify(rows)}\n` : renderTable(rows));
    return EXIT.OK;
  },
};

const HEADINGS = ['NAME', 'STATE', 'PID', 'UPTIME', 'RESTARTS', 'MEMORY', 'COMMAND'];

/** Columns padded to their widest cell; the command last, unpadded. */
function renderTable(rows: ListRow[]): string {
  const cells = rows.map((r) => [
    r.name,
    r.state,
    r.pid === null ? '-' : String(r.pid),
    r.uptimeSeconds === null ? '-' : formatUptime(r.uptimeSeconds),
    r.restarts === null ? '-' : String(r.restarts),
    r.rssKb === null ? '-' : `${(r.rssKb / 1024).toFixed(1)}M`,
    r.command === null ? '-' : formatCommand(r.command),
  ]);
  const widths = HEADINGS.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((cell, i) => (i === c.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd();
  return `${[HEADINGS, ...cells].map(line).join('\n')}\n`;
}

// export (dist/tdaemon-export.js): the config reader and the unit
// generators, loaded only by this verb, so that the other verbs never pay for
// them at start-up.
import path = require('node:path');
import { exportConfigUnits, exportDaemonSection, exportDaemonUnitOf, exportSupervisorUnitOf, type ExportOutcome } from '../app/export';
import { writeExportFiles } from '../app/export-write';
import { writeQuietly } from '../common/say';
import { DaemonError } from '../model/errors';
import { EXIT } from '../policy/exit-codes';
import { escapeUnitName } from '../policy/systemd-syntax';
import type { CommandContext } from './commands/command';
import { EXPORT_OPTIONS } from './commands/export';
import { one } from './options';
import { parseWords, UsageProblem, type Words } from './parse-words';
import { complain, reportError, say } from './report';

/**
 * Errors are reported here: this bundle has its own copy of DaemonError,
 * which the main bundle's reportError would not recognize.
 */
export function runExport(context: CommandContext): number {
  try {
    return exportAndReport(context);
  } catch (error) {
    return reportError(error);
  }
}

function exportAndReport(context: CommandContext): number {
  const [format, ...rest] = context.command;
  const argv = { ...context.argv, ...withoutOperands(parseRest(rest)) };
  const outcome = exportFor(format, context, argv);
  for (const line of outcome.configWarnings) complain(line);
  for (const line of outcome.warnings) complain(`export: ${line}`);
  const dir = one(argv.dir);
  if (dir === undefined) {
    printFiles(outcome, format === 'supervisord' ? ';' : '#');
    return EXIT.OK;
  }
  const { written, unchanged } = writeExportFiles(outcome.files, dir, argv.force === true);
  for (const file of written) say(`wrote ${file}`);
  for (const file of unchanged) say(`unchanged ${file}`);
  say(`next: ${outcome.next}`);
  return EXIT.OK;
}

function exportFor(format: string | undefined, context: CommandContext, argv: Words): ExportOutcome {
  const prefix = checkPrefix(one(argv.prefix));
  const supervisor = argv.supervisor === true;
  if (format !== 'systemd' && format !== 'supervisord') {
    throw new DaemonError('USAGE', format === undefined ? 'export needs a format: systemd or supervisord' : `export: unknown format '${format}' (systemd or supervisord)`);
  }
  if (context.supervisorMode) {
    if (format === 'supervisord') throw new DaemonError('USAGE', 'export supervisord works on one daemon (--pidfile or --name): a config file is already supervisord\'s');
    if (supervisor) return exportSupervisorUnitOf(context.config(), prefix, path.join(__dirname, '..', 'bin', 'tdaemon'));
    return exportConfigUnits(context.config(), prefix);
  }
  if (supervisor) throw new DaemonError('USAGE', 'export --supervisor needs -c FILE');
  if (format === 'supervisord') {
    if (prefix !== undefined) throw new DaemonError('USAGE', 'export supervisord takes no --prefix');
    return exportDaemonSection(context.paths());
  }
  return exportDaemonUnitOf(context.paths(), prefix);
}

/** The options after the format word (`export systemd --dir D`): halt-at-non-option left them to us. */
function parseRest(rest: string[]): Words {
  try {
    const words = parseWords(rest, EXPORT_OPTIONS);
    if (words.operands.length > 0) throw new DaemonError('USAGE', `export takes one format, not '${words.operands[0]}' too`);
    return words;
  } catch (error) {
    if (error instanceof UsageProblem) throw new DaemonError('USAGE', `${error.message}; try 'tdaemon export --help'`);
    throw error;
  }
}

function withoutOperands(words: Words): Record<string, unknown> {
  return Object.fromEntries(Object.entries(words).filter(([key, value]) => key !== 'operands' && value !== undefined));
}

function checkPrefix(prefix: string | undefined): string | undefined {
  if (prefix !== undefined && (prefix === '' || escapeUnitName(prefix) !== prefix)) {
    throw new DaemonError('USAGE', `--prefix takes letters, digits and : _ . - (a unit name), not '${prefix}'`);
  }
  return prefix;
}

/** One file as it is; several, each after a `# ==> NAME <==` line (a comment in either format). */
function printFiles(outcome: ExportOutcome, commentMark: string): void {
  if (outcome.files.length === 1) {
    writeQuietly(1, outcome.files[0].text);
    return;
  }
  writeQuietly(1, outcome.files.map((file) => `${commentMark} ==> ${file.name} <==\n${file.text}`).join('\n'));
}

'use strict';
// Loads dist/NAME.js with the V8 code cache that `npm run build` writes
// beside it (dist/NAME.js.cache). Compiling the bundle and the functions a
// run needs costs about 5 ms at every start otherwise (npm run bench), and
// these commands run from scripts and cron. A cache that does not fit this
// Node.js or its flags is rejected by V8, and the code is compiled as usual.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire, wrap } = require('node:module');

/** Runs the CommonJS bundle FILE with FILE.cache, as require would; returns its exports. */
function loadCached(file) {
  const cacheFile = `${file}.cache`;
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined; // not built yet, or removed: compile as usual
  }
  const script = new vm.Script(wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  if (process.env.TNOHUP_WRITE_CODE_CACHE === '1') {
    // The build's warm-up runs: what they compiled joins the cache.
    process.once('exit', () => fs.writeFileSync(cacheFile, script.createCachedData()));
  }
  const module_ = { exports: {}, filename: file, id: file, loaded: false, children: [], paths: [] };
  script.runInThisContext()(module_.exports, createRequire(file), module_, file, path.dirname(file));
  return module_.exports;
}

/**
 * The verbs of dist/tdaemon-ctl.js that `tdaemon -c FILE VERB` runs
 * (src/cli/commands/supervisor.ts; test/unit/launch.test.ts keeps the two
 * lists equal).
 */
const CTL_VERBS = new Set(['up', 'status', 'start', 'stop', 'restart', 'signal', 'pid', 'avail', 'reread', 'update', 'clear', 'logs', 'shutdown']);

/**
 * `-c FILE VERB [NAME]...` (or --config FILE, --config=FILE) with a verb of
 * dist/tdaemon-ctl.js and no other option: { configFile, verb, operands };
 * anything else, null. Such words mean the same to tdaemon's parser
 * (src/cli/tdaemon.ts), which then only hands them to that bundle: they
 * are handed over directly, without loading the parser's bundle (a third
 * of a `status`). An empty word or one starting with '-' anywhere leaves
 * the whole line to the parser, with its checks and messages.
 */
function plainSupervisorCall(words) {
  let configFile;
  let rest;
  if (words[0] === '-c' || words[0] === '--config') {
    configFile = words[1];
    rest = words.slice(2);
  } else if (words[0] !== undefined && words[0].startsWith('--config=')) {
    configFile = words[0].slice('--config='.length);
    rest = words.slice(1);
  } else {
    return null;
  }
  if (configFile === undefined || rest.length === 0 || !CTL_VERBS.has(rest[0])) return null;
  if ([configFile, ...rest].some((word) => word === '' || word.startsWith('-'))) return null;
  return { configFile, verb: rest[0], operands: rest.slice(1) };
}

module.exports = function launch(name) {
  const dist = path.join(__dirname, '..', 'dist');
  const call = name === 'tdaemon' ? plainSupervisorCall(process.argv.slice(2)) : null;
  if (call) loadCached(path.join(dist, 'tdaemon-ctl.js')).runPlainCall(call);
  else loadCached(path.join(dist, `${name}.js`));
};
// The supervisor verbs' bundle (dist/tdaemon-ctl.js) is loaded the same way, by the CLI's bundle.
module.exports.loadCached = loadCached;
module.exports.plainSupervisorCall = plainSupervisorCall;
module.exports.CTL_VERBS = CTL_VERBS;

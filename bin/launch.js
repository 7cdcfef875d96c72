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

module.exports = function launch(name) {
  loadCached(path.join(__dirname, '..', 'dist', `${name}.js`));
};
// The supervisor verbs' bundle (dist/tdaemon-ctl.js) is loaded the same way, by the CLI's bundle.
module.exports.loadCached = loadCached;

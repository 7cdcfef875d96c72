// Stands in for the signal-exit 3 that proper-lockfile asks for, in the
// bundles: the signal-exit 4 they carry anyway, under version 3's call
// signature (see bundle.js). Version 3 loads node:assert, which costs about
// 3 ms at every start.
'use strict';
const { onExit } = require('signal-exit');

module.exports = function signalExitV3(callback, options) {
  return onExit(callback, options);
};

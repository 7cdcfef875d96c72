// Stands in for graceful-fs in the bundles (see bundle.js).
'use strict';
module.exports = require('node:fs');

'use strict';
// Started by bin/tnohup, which looks at descriptors 0-2 before Node can.
require('./launch.js')('tnohup');

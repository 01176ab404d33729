// The CSP pages' module (no inline scripts there): the public API as window.offsync.
import * as offsync from './offsync.js';

window.offsync = offsync;
window.ready = true;

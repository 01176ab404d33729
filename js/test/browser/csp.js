// csp.html's module (inline scripts are not allowed there): the public API as window.offsync,
// and every CSP violation the page reports in window.violations.
import * as offsync from './offsync.js';

window.violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.violations.push(`${e.violatedDirective}: ${e.blockedURI}`));
window.offsync = offsync;
window.ready = true;

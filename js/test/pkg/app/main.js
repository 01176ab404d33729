// The app both bundlers build from the installed tarball: the public API as window.offsync.
import { open, OffsyncError } from 'offsync';

window.offsync = { open, OffsyncError };
window.ready = true;

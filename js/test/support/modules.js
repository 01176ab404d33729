// The package's files a page loads (js/package.json "files": the module, its imports, the Go
// runtime and sync.wasm), as [source in the repo, name served] pairs. Browser tests serve them
// beside their pages, so a module added to the package is served by every test at once.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

export const PACKAGE_FILES = pkg.files.filter((f) => /\.(js|wasm)$/.test(f)).map((f) => [`js/${f}`, f]);

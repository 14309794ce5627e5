// Copies the pinned U.S. Web Design System build into static/vendor/uswds, where Django's
// staticfiles finds it. We use USWDS's own compiled CSS and JS: it is tested for accessibility
// by its maintainers, and our few additions live in static/css/portal.css.
import { cpSync, rmSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, "..", "node_modules", "@uswds", "uswds", "dist");
const target = join(here, "vendor", "uswds");

rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
for (const part of ["css", "js", "fonts", "img"]) {
  // Source maps are kept: the minified files name them, and the production static storage
  // (ManifestStaticFilesStorage) refuses to collect a file that references a missing one.
  cpSync(join(source, part), join(target, part), { recursive: true });
}
console.log(`USWDS assets copied to ${target}`);

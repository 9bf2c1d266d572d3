// Pins an app's @backstage packages to the versions create-app names for its
// release, as the seed lockfile create-app fetches would (it cannot here):
//   node pin-release.mjs <app dir> <unpacked create-app package dir>
// Without it, caret ranges pull the newest release's plugins into an "older"
// app (signals-backend 0.3.21 on backend-defaults 0.18 does not start).
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [appDir, createAppDir] = process.argv.slice(2);
if (!createAppDir) {
  throw new Error('usage: pin-release.mjs <app dir> <create-app package dir>');
}
const require = createRequire(import.meta.url);
const { packageVersions } = require(join(createAppDir, 'dist/lib/versions.cjs.js'));

const rootPkgPath = join(appDir, 'package.json');
const rootPkg = JSON.parse(readFileSync(rootPkgPath, 'utf8'));
rootPkg.resolutions = { ...rootPkg.resolutions };
let pinned = 0;
for (const [name, version] of Object.entries(packageVersions)) {
  if (name.startsWith('@backstage/')) {
    rootPkg.resolutions[name] = version;
    pinned += 1;
  }
}
writeFileSync(rootPkgPath, `${JSON.stringify(rootPkg, null, 2)}\n`);
console.log(`pinned ${pinned} @backstage packages to Backstage ${packageVersions.root}`);

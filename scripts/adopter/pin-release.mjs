// Pins an app's @backstage packages to the versions create-app names for its
// release, as the seed lockfile create-app fetches would (it cannot here):
//   node pin-release.mjs <app dir> <unpacked create-app package dir>
// Without it, caret ranges pull the newest release's plugins into an "older"
// app (signals-backend 0.3.21 on backend-defaults 0.18 does not start).
// Run it again after the first install to pin what the table leaves out.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [appDir, createAppDir] = process.argv.slice(2);
if (!createAppDir) {
  throw new Error('usage: pin-release.mjs <app dir> <create-app package dir>');
}
const require = createRequire(import.meta.url);
const { packageVersions } = require(join(
  createAppDir,
  'dist/lib/versions.cjs.js',
));

const rootPkgPath = join(appDir, 'package.json');
const rootPkg = JSON.parse(readFileSync(rootPkgPath, 'utf8'));
rootPkg.resolutions = { ...rootPkg.resolutions };
const pins = Object.entries(packageVersions).filter(([name]) =>
  name.startsWith('@backstage/'),
);
for (const [name, version] of pins) rootPkg.resolutions[name] = version;

// Once installed, the packages the table leaves out (backend-plugin-api, say)
// get the version the release's own packages were published against: a
// release's packages name their siblings as ^<version in that release>. Only
// those ranges are pinned (`name@range` keys), so a range of the gitops
// plugins that the release cannot satisfy still resolves on its own.
const floors = new Map(); // name -> highest floor seen: the release's version
const ranges = new Set(); // `name@range` as the release's packages wrote them
for (const [name] of pins) {
  let manifest;
  try {
    manifest = JSON.parse(
      readFileSync(join(appDir, 'node_modules', name, 'package.json'), 'utf8'),
    );
  } catch {
    continue; // not installed yet: the first pass
  }
  for (const [dependency, range] of Object.entries(
    manifest.dependencies ?? {},
  )) {
    const floor = /^\^(\d+\.\d+\.\d+)$/.exec(range)?.[1];
    if (!dependency.startsWith('@backstage/') || !floor) continue;
    if (packageVersions[dependency]) continue;
    ranges.add(`${dependency}@${range}`);
    const known = floors.get(dependency);
    if (!known || compareVersions(floor, known) > 0)
      floors.set(dependency, floor);
  }
}
for (const key of ranges) {
  const at = key.lastIndexOf('@^');
  const version = floors.get(key.slice(0, at));
  if (caretAccepts(key.slice(at + 2), version))
    rootPkg.resolutions[key] = version;
}

writeFileSync(rootPkgPath, `${JSON.stringify(rootPkg, null, 2)}\n`);
console.log(
  `pinned ${pins.length} @backstage packages to Backstage ${packageVersions.root}` +
    (ranges.size
      ? `, and ${floors.size} more to what those were published against`
      : ''),
);

function compareVersions(a, b) {
  const [x, y] = [a, b].map(v => v.split('.').map(Number));
  for (let i = 0; i < 3; i += 1) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

// Whether ^floor accepts version, for plain x.y.z versions.
function caretAccepts(floor, version) {
  const [f, v] = [floor, version].map(x => x.split('.').map(Number));
  if (compareVersions(version, floor) < 0) return false;
  if (f[0] > 0) return v[0] === f[0];
  if (f[1] > 0) return v[0] === 0 && v[1] === f[1];
  return version === floor;
}

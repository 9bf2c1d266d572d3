// Checks that the installed gitops plugins share the app's Backstage
// framework packages instead of bringing their own copies (an adopter's app
// had two frontend-plugin-api), and that each of the plugins' @backstage
// ranges accepts the version the app has:
//   node check-deps.mjs <app dir>
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { realpathSync } from 'node:fs';

const [appDir] = process.argv.slice(2);
if (!appDir) throw new Error('usage: check-deps.mjs <app dir>');

const requireFrom = dir =>
  createRequire(join(realpathSync(dir), 'package.json'));
const packageDir = (fromDir, name) =>
  dirname(realpathSync(requireFrom(fromDir).resolve(`${name}/package.json`)));
const manifest = dir => requireFrom(dir)('./package.json');

const app = join(appDir, 'packages/app');
const backend = join(appDir, 'packages/backend');
const plugin = {
  frontend: packageDir(app, '@backstage-gitops/plugin-gitops'),
  backend: packageDir(backend, '@backstage-gitops/plugin-gitops-backend'),
};
const semver = requireFrom(appDir)('semver');

const problems = [];
const sharedVersions = [];
// The framework that loads the plugin, and the plugin, must see one copy.
const shared = [
  [
    plugin.frontend,
    packageDir(app, '@backstage/frontend-defaults'),
    '@backstage/frontend-plugin-api',
  ],
  [
    plugin.frontend,
    packageDir(app, '@backstage/plugin-catalog'),
    '@backstage/plugin-catalog-react',
  ],
  [
    plugin.backend,
    packageDir(backend, '@backstage/backend-defaults'),
    '@backstage/backend-plugin-api',
  ],
];
for (const [ours, framework, name] of shared) {
  // By version: yarn's node_modules may hold the same version twice, which
  // Backstage's version-bridged singletons treat as one.
  const mine = manifest(packageDir(ours, name)).version;
  const theirs = manifest(packageDir(framework, name)).version;
  if (mine !== theirs) {
    problems.push(`${name}: the plugin uses ${mine}, the app ${theirs}`);
  } else {
    sharedVersions.push(`${name} ${mine}`);
  }
}
// Every @backstage range of the plugins accepts what the app resolved.
for (const [where, dir] of [
  ['frontend', plugin.frontend],
  ['backend', plugin.backend],
]) {
  const { dependencies = {} } = manifest(dir);
  for (const [name, range] of Object.entries(dependencies)) {
    if (!name.startsWith('@backstage/')) continue;
    const topLevel = join(appDir, 'node_modules', name);
    let version;
    try {
      version = manifest(topLevel).version;
    } catch {
      continue; // not in the app at all: the plugin brings it
    }
    if (semver.satisfies(version, range)) continue;
    const message = `${where}: ${name}@${range} does not accept the app's ${version}`;
    // A second copy in the browser splits the app's extension and API
    // registries; in the backend, services meet by id, so it only costs space.
    if (where === 'frontend') problems.push(message);
    else console.log(`note: ${message}; the plugin brings its own copy`);
  }
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`the plugins share the app's ${sharedVersions.join(', ')}`);

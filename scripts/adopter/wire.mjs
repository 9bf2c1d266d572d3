// Wires the packed gitops plugins into an app that @backstage/create-app just
// made, the way the plugin READMEs tell an adopter to:
//   node wire.mjs <app dir> <packages dir> <port> <static token> <config repo dir> <working dir>
// The tarballs stand in for the registry through root `resolutions`, so the
// app's package.json files name the plugins by version as after a publish.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const [appDir, packagesDir, port, token, configRepoDir, workingDir] =
  process.argv.slice(2);
if (!workingDir) {
  throw new Error(
    'usage: wire.mjs <app> <packages> <port> <token> <config repo> <working dir>',
  );
}

const readJson = path => JSON.parse(readFileSync(path, 'utf8'));
const writeJson = (path, value) =>
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);

// The tarballs `yarn pack` made: common.tgz, frontend.tgz and backend.tgz;
// name and version come from the package.json each one carries.
const names = {};
const tarballs = {};
for (const short of ['common', 'frontend', 'backend']) {
  const file = `${short}.tgz`;
  const manifest = JSON.parse(
    execFileSync(
      'tar',
      ['-xzOf', join(packagesDir, file), 'package/package.json'],
      {
        encoding: 'utf8',
      },
    ),
  );
  names[short] = manifest.name;
  tarballs[manifest.name] = { file, version: manifest.version };
}

const rootPkgPath = join(appDir, 'package.json');
const rootPkg = readJson(rootPkgPath);
rootPkg.resolutions = { ...rootPkg.resolutions };
for (const [name, { file }] of Object.entries(tarballs)) {
  rootPkg.resolutions[name] = `file:./${relative(
    appDir,
    join(packagesDir, file),
  )}`;
}
writeJson(rootPkgPath, rootPkg);

const addDependency = (workspace, name) => {
  const path = join(appDir, 'packages', workspace, 'package.json');
  const pkg = readJson(path);
  pkg.dependencies[name] = `^${tarballs[name].version}`;
  writeJson(path, pkg);
};
addDependency('backend', names.backend);
addDependency('app', names.frontend);

// Backend: the one line of the backend README.
const backendIndex = join(appDir, 'packages/backend/src/index.ts');
const backendSource = readFileSync(backendIndex, 'utf8');
if (!backendSource.includes('backend.start();')) {
  throw new Error(
    `${backendIndex} has no backend.start(); the template changed`,
  );
}
writeFileSync(
  backendIndex,
  backendSource.replace(
    'backend.start();',
    `backend.add(import('${names.backend}'));\nbackend.start();`,
  ),
);

// Frontend, new frontend system: `app.packages: all` discovers the plugin; it
// is also named among the app's features, as the frontend README shows, so
// that the app's type check sees the plugin's types.
const appFile = join(appDir, 'packages/app/src/App.tsx');
const appSource = readFileSync(appFile, 'utf8');
const features = /features: \[([^\]]*)\]/;
if (!features.test(appSource)) {
  throw new Error(`${appFile} has no features list; the template changed`);
}
writeFileSync(
  appFile,
  `import gitopsPlugin from '${names.frontend}/alpha';\n${appSource.replace(
    features,
    (_all, list) => `features: [${list}, gitopsPlugin]`,
  )}`,
);

// The adopter's local config: its own port, a static token to read the API
// with, the plugin's working directory and one file:// config repository.
const localConfig = `# Written by scripts/adopter/wire.mjs.
app:
  baseUrl: http://localhost:3000
backend:
  baseUrl: http://localhost:${port}
  listen:
    port: ${port}
  workingDirectory: ${workingDir}
  auth:
    externalAccess:
      - type: static
        options:
          token: ${token}
          subject: adopter-check
gitops:
  repositories:
    - id: config
      url: file://${configRepoDir}
      branch: main
      automation: 'off'
      schedule:
        frequency: { minutes: 10 }
        timeout: { minutes: 2 }
        initialDelay: { seconds: 0 }
`;
writeFileSync(join(appDir, 'app-config.local.yaml'), localConfig);

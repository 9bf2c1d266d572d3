// Entry point of `yarn bench`: compiles the TypeScript benchmarks on the fly
// with Backstage's own transform, then runs each in turn.
require('@backstage/cli/config/nodeTransform.cjs');
const path = require('node:path');
const fs = require('node:fs');

async function main() {
  const files = fs
    .readdirSync(__dirname)
    .filter(name => name.endsWith('.bench.ts'))
    .sort();
  for (const file of files) {
    const { run } = require(path.join(__dirname, file));
    await run();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});

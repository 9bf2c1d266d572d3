// Entry point of `yarn bench`: compiles the TypeScript benchmarks on the fly
// with Backstage's own transform, then runs each in turn. `yarn bench helm`
// runs only the benchmarks whose file names contain `helm` (in any case, so
// `yarn bench v2` picks gitSyncV2.bench.ts).
require('@backstage/cli/config/nodeTransform.cjs');
const path = require('node:path');
const fs = require('node:fs');

async function main() {
  const files = fs
    .readdirSync(__dirname)
    .filter(name => name.endsWith('.bench.ts'))
    .filter(name =>
      process.argv
        .slice(2)
        .every(word => name.toLowerCase().includes(word.toLowerCase())),
    )
    .sort();
  if (files.length === 0)
    throw new Error(`No benchmark matches ${process.argv.slice(2).join(' ')}`);
  for (const file of files) {
    const { run } = require(path.join(__dirname, file));
    await run();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});

// Entry point of `yarn bench`: compiles the TypeScript benchmarks on the fly
// with Backstage's own transform, then runs each in turn. `yarn bench helm`
// runs only the benchmarks whose file names contain `helm` (in any case, so
// `yarn bench v2` picks gitSyncV2.bench.ts). Options (`--minutes 60`, each
// with its value) are left to the benchmarks, which read process.argv.
require('@backstage/cli/config/nodeTransform.cjs');
const path = require('node:path');
const fs = require('node:fs');

/** The words that pick benchmarks: arguments that are not options or their values. */
function wordsOf(args) {
  return args.filter(
    (arg, i) =>
      !arg.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')),
  );
}

async function main() {
  const words = wordsOf(process.argv.slice(2));
  const files = fs
    .readdirSync(__dirname)
    .filter(name => name.endsWith('.bench.ts'))
    .filter(name =>
      words.every(word => name.toLowerCase().includes(word.toLowerCase())),
    )
    .sort();
  if (files.length === 0)
    throw new Error(`No benchmark matches ${words.join(' ')}`);
  for (const file of files) {
    const { run } = require(path.join(__dirname, file));
    await run();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});

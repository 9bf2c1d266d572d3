// Waits until the adopter's backend answers /api/gitops/health and has synced
// the config repository at the commit given, then prints what it found:
//   node wait-for-sync.mjs <base url> <static token> <commit> <seconds>
const [baseUrl, token, commit, seconds] = process.argv.slice(2);
if (!seconds) {
  throw new Error(
    'usage: wait-for-sync.mjs <base url> <token> <commit> <seconds>',
  );
}

const deadline = Date.now() + Number(seconds) * 1000;
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

async function read(path) {
  const response = await fetch(`${baseUrl}/api/gitops${path}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) {
    throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  }
  return response.json();
}

let last = 'no answer yet';
while (Date.now() < deadline) {
  try {
    await read('/health');
    const repositories = await read('/repositories');
    const config = repositories.items.find(item => item.id === 'config');
    if (config?.lastError) last = `sync error: ${config.lastError}`;
    else last = `repository config at ${config?.lastCommit ?? 'no commit yet'}`;
    if (config?.lastCommit === commit) {
      const environments = await read('/environments');
      const names = environments.items.map(item => item.name);
      console.log(
        `synced ${commit.slice(0, 12)} at ${
          config.lastSyncedAt
        }; environments: ${names.join(', ')}`,
      );
      if (names.length === 0) {
        throw new Error(
          'the sync found no environment in the config repository',
        );
      }
      process.exit(0);
    }
  } catch (error) {
    if (error.message.startsWith('the sync found')) throw error;
    last = error.message;
  }
  await sleep(2000);
}
console.error(`no sync within ${seconds}s; last seen: ${last}`);
process.exit(1);

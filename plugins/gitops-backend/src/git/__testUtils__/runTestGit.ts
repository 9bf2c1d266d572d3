import { execFile } from 'node:child_process';

/** An environment for fixture git commands, free of the machine's git configuration. */
export function testGitEnvironment(
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    ...extra,
  };
}

/** Runs git for a test fixture (argument array, no shell) and returns its trimmed stdout. */
export function runTestGit(
  args: string[],
  options: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    input?: string | Buffer;
  } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      {
        cwd: options.cwd,
        env: testGitEnvironment(options.env),
        encoding: 'buffer',
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(
              `git ${args.join(' ')} failed: ${stderr.toString('utf8')}`,
            ),
          );
        } else {
          resolve(stdout.toString('utf8').trim());
        }
      },
    );
    child.stdin?.end(options.input);
  });
}

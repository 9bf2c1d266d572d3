import { spawn } from 'node:child_process';
import { classifyGitFailure, explainGitFailure } from './classifyGitFailure';
import { GitCommandError } from './GitCommandError';
import { scrubCredentials } from './scrubCredentials';

export type RunGitOptions = {
  /** Options that go before the subcommand, such as `--git-dir=...`. */
  globalArgs?: string[];
  /** The git subcommand, named in errors. */
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs: number;
  /** Written to stdin, which is then closed. */
  input?: string | Buffer;
  /** Receives stdout as it arrives instead of collecting it. */
  onStdout?: (chunk: Buffer) => void;
  /** Exit codes that are answers rather than failures (e.g. 1 for `merge-base --is-ancestor`). */
  okExitCodes?: number[];
  /** Removed from stderr before it reaches an error. */
  secrets: string[];
  /** Said in error messages after the subcommand, e.g. `from https://host/repo`. */
  context?: string;
};

export type RunGitResult = { stdout: Buffer; stderr: string; exitCode: number };

// Stderr beyond this is dropped; error messages need the end of it at most.
const STDERR_LIMIT = 64 * 1024;
const KILL_GRACE_MS = 2000;

/**
 * Runs one git process with an argument array (no shell), a timeout that
 * kills the whole process group (git-remote-https, ssh) and errors whose
 * text has been scrubbed of credentials.
 */
export function runGit(options: RunGitOptions): Promise<RunGitResult> {
  const args = [
    ...(options.globalArgs ?? []),
    options.command,
    ...options.args,
  ];
  const what = `git ${options.command}${
    options.context ? ` ${options.context}` : ''
  }`;

  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Own process group, so a timeout can kill git's helpers too.
      detached: true,
    });

    const stdout: Buffer[] = [];
    let stderr = '';
    let timedOut = false;
    let settled = false;
    let callbackError: unknown;

    const killGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };

    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    }, options.timeoutMs);

    const finish = (error: Error | undefined, result?: RunGitResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (killTimer && !timedOut) clearTimeout(killTimer);
      if (error) reject(error);
      else resolve(result!);
    };

    child.stdout.on('data', (chunk: Buffer) => {
      if (callbackError) return;
      if (!options.onStdout) {
        stdout.push(chunk);
        return;
      }
      try {
        options.onStdout(chunk);
      } catch (error) {
        // A parser that gave up: stop the process, report the parser's error.
        callbackError = error;
        killGroup('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < STDERR_LIMIT) {
        stderr += chunk.toString('utf8');
      }
    });
    // git may exit before reading all of stdin (e.g. on a bad object); that
    // EPIPE is not the error worth reporting, the exit status is.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input);

    child.on('error', error => {
      const code = (error as NodeJS.ErrnoException).code;
      finish(
        new GitCommandError({
          command: options.command,
          kind: 'failed',
          message:
            code === 'ENOENT'
              ? `${what} failed: the git executable was not found on PATH`
              : `${what} failed to start: ${scrubCredentials(
                  error.message,
                  options.secrets,
                )}`,
        }),
      );
    });

    child.on('close', (exitCode, signal) => {
      const scrubbedStderr = scrubCredentials(stderr.trim(), options.secrets);
      if (callbackError) {
        finish(callbackError as Error);
        return;
      }
      if (timedOut) {
        finish(
          new GitCommandError({
            command: options.command,
            kind: 'timeout',
            message: `${what} timed out after ${
              options.timeoutMs
            } ms and was killed${
              scrubbedStderr ? `: ${lastLines(scrubbedStderr)}` : ''
            }`,
            stderr: scrubbedStderr,
          }),
        );
        return;
      }
      const code = exitCode ?? -1;
      if (code === 0 || options.okExitCodes?.includes(code)) {
        finish(undefined, {
          stdout: Buffer.concat(stdout),
          stderr: scrubbedStderr,
          exitCode: code,
        });
        return;
      }
      const kind = classifyGitFailure(scrubbedStderr);
      const status = signal ? `was killed by ${signal}` : `exited with ${code}`;
      finish(
        new GitCommandError({
          command: options.command,
          kind,
          exitCode: exitCode ?? undefined,
          stderr: scrubbedStderr,
          message: `${what} failed: ${
            kind === 'failed' ? status : explainGitFailure(kind)
          }${scrubbedStderr ? `: ${lastLines(scrubbedStderr)}` : ''}`,
        }),
      );
    });
  });
}

// The last few lines carry git's own verdict ("fatal: ...").
function lastLines(text: string): string {
  return text
    .split('\n')
    .map(line => line.trim())
    .filter(line => line !== '')
    .slice(-5)
    .join(' | ');
}

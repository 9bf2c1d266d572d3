import { execFile } from 'node:child_process';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

// The demo's own fleet repository on this machine: still bounded, so that a
// stuck or huge repository cannot hold the simulated controllers.
const GIT_TIMEOUT_MS = 15_000;
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/**
 * The Flux v2 demo repository as the simulated source-controller sees it: a
 * bare mirror of the configured remote (config, never a URL from a file),
 * fetched before each look, read at the branch's head with the `git` CLI and
 * argument arrays.
 */
export class DemoFleetRepository {
  private fetching: Promise<string> | undefined;

  constructor(
    private readonly remoteUrl: string,
    private readonly branch: string,
    private readonly mirrorDir: string,
  ) {}

  /** Fetches and returns the branch's head commit; concurrent callers share one fetch. */
  head(): Promise<string> {
    if (!this.fetching) {
      this.fetching = this.fetchHead().finally(() => {
        this.fetching = undefined;
      });
    }
    return this.fetching;
  }

  /** Flux's revision string for a commit of the branch: `main@sha1:<sha>`. */
  revisionOf(sha: string): string {
    return `${this.branch}@sha1:${sha}`;
  }

  /** Paths of the files under `folder` (repository-relative, no leading `./`) at `sha`. */
  async listFiles(sha: string, folder: string): Promise<string[]> {
    const out = await this.git(
      'ls-tree',
      '-r',
      '--name-only',
      '-z',
      sha,
      '--',
      folder || '.',
    );
    return out.split('\0').filter(Boolean);
  }

  /** The file's text at `sha`, or undefined when it is not there or is a folder. */
  async readFile(sha: string, file: string): Promise<string | undefined> {
    try {
      return await this.git('cat-file', 'blob', `${sha}:${file}`);
    } catch {
      return undefined;
    }
  }

  /** The git tree of a folder at `sha` (changes whenever anything in it does), or undefined. */
  async treeOf(sha: string, folder: string): Promise<string | undefined> {
    try {
      return (
        await this.git('rev-parse', '--verify', '-q', `${sha}:${folder}`)
      ).trim();
    } catch {
      return undefined;
    }
  }

  private async fetchHead(): Promise<string> {
    const exists = await stat(path.join(this.mirrorDir, 'HEAD')).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await rm(this.mirrorDir, { recursive: true, force: true });
      await mkdir(path.dirname(this.mirrorDir), { recursive: true });
      await execFileAsync('git', ['init', '-q', '--bare', this.mirrorDir], {
        timeout: GIT_TIMEOUT_MS,
      });
    }
    await this.git(
      'fetch',
      '-q',
      '--',
      this.remoteUrl,
      `+refs/heads/${this.branch}:refs/heads/${this.branch}`,
    );
    return (await this.git('rev-parse', `refs/heads/${this.branch}`)).trim();
  }

  private async git(...args: string[]): Promise<string> {
    const { stdout } = await execFileAsync(
      'git',
      [`--git-dir=${this.mirrorDir}`, ...args],
      { timeout: GIT_TIMEOUT_MS, maxBuffer: MAX_OUTPUT_BYTES },
    );
    return stdout;
  }
}

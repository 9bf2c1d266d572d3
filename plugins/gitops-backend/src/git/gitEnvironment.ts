import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GitAuth } from './types';
import { secretVariants } from './scrubCredentials';

// Passed through from the backend's environment: finding git, temp space and
// proxies. Everything else (credential helpers, askpass, agents) stays out.
const INHERITED = [
  'PATH',
  'TMPDIR',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'GIT_SSL_CAINFO',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
];

const DEFAULT_TOKEN_USERNAME = 'x-access-token';

/**
 * The environment of every git process: isolated from system and user git
 * configuration, never prompting, English messages (errors are classified by
 * their wording) and only the transports a config repository needs.
 */
export function baseGitEnvironment(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of INHERITED) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  return {
    ...env,
    HOME: home,
    LC_ALL: 'C',
    LANG: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ALLOW_PROTOCOL: 'file:git:http:https:ssh',
    GCM_INTERACTIVE: 'never',
  };
}

/** Every form in which the credentials of `auth` could show up in git's output, for scrubbing. */
export function authSecrets(auth: GitAuth): string[] {
  switch (auth.type) {
    case 'token': {
      const username = auth.username || DEFAULT_TOKEN_USERNAME;
      return [
        ...secretVariants(auth.token),
        basicCredentials(username, auth.token),
      ];
    }
    case 'ssh':
      return secretVariants(auth.privateKey);
    default:
      return [];
  }
}

function basicCredentials(username: string, token: string): string {
  return Buffer.from(`${username}:${token}`).toString('base64');
}

/** Environment additions carrying one remote's credentials, and how to clean up after them. */
export type AuthEnvironment = {
  env: NodeJS.ProcessEnv;
  /** Every form of the credentials that could show up in output, for scrubbing. */
  secrets: string[];
  dispose(): Promise<void>;
};

/**
 * Turns {@link GitAuth} into environment variables for git. A token travels
 * as environment-only git config (an Authorization header), never in argv,
 * the remote URL or `.git/config`. An SSH key is written to a private temp
 * directory that `dispose` removes.
 */
export async function prepareAuthEnvironment(
  auth: GitAuth,
  options: { connectTimeoutSeconds: number },
): Promise<AuthEnvironment> {
  switch (auth.type) {
    case 'none':
      return { env: {}, secrets: [], dispose: async () => {} };
    case 'token': {
      const username = auth.username || DEFAULT_TOKEN_USERNAME;
      const basic = basicCredentials(username, auth.token);
      return {
        env: {
          GIT_CONFIG_COUNT: '1',
          GIT_CONFIG_KEY_0: 'http.extraHeader',
          GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
        },
        secrets: authSecrets(auth),
        dispose: async () => {},
      };
    }
    case 'ssh':
      return prepareSshEnvironment(auth, options.connectTimeoutSeconds);
    default:
      throw new Error(
        `Unknown git auth type ${(auth as { type: string }).type}`,
      );
  }
}

async function prepareSshEnvironment(
  auth: Extract<GitAuth, { type: 'ssh' }>,
  connectTimeoutSeconds: number,
): Promise<AuthEnvironment> {
  // mkdtemp creates the directory with mode 0700.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-git-ssh-'));
  const dispose = () => fs.rm(dir, { recursive: true, force: true });
  try {
    const keyFile = path.join(dir, 'id');
    const knownHostsFile = path.join(dir, 'known_hosts');
    // ssh rejects a key file without a final newline or with CRLF endings.
    await fs.writeFile(keyFile, `${normaliseLines(auth.privateKey)}\n`, {
      mode: 0o600,
    });
    await fs.writeFile(knownHostsFile, `${normaliseLines(auth.knownHosts)}\n`, {
      mode: 0o600,
    });
    const sshOptions = [
      'IdentitiesOnly=yes',
      'IdentityAgent=none',
      `UserKnownHostsFile=${knownHostsFile}`,
      'GlobalKnownHostsFile=/dev/null',
      'StrictHostKeyChecking=yes',
      'BatchMode=yes',
      'PasswordAuthentication=no',
      `ConnectTimeout=${connectTimeoutSeconds}`,
    ];
    const command = [
      'ssh',
      '-F /dev/null',
      `-i ${quoteForShell(keyFile)}`,
      ...sshOptions.map(option => `-o ${quoteForShell(option)}`),
    ].join(' ');
    return {
      // git runs GIT_SSH_COMMAND through sh; the paths are quoted for it.
      env: { GIT_SSH_COMMAND: command, GIT_SSH_VARIANT: 'ssh' },
      secrets: authSecrets(auth),
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

function normaliseLines(text: string): string {
  return text.replace(/\r\n/g, '\n').trim();
}

function quoteForShell(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

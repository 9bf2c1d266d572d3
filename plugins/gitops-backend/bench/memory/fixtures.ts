// The benchmark's side of the fixtures process: forks it, starts the
// simulated clusters and the registry there, and pushes images on request.
import { ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import type { FixtureReply, FixtureRequest } from './fixtureMessages';

export type Fixtures = {
  clusters: Array<{ url: string; token: string }>;
  registry: { host: string; url: string };
  push(repository: string, tag: string, created: string): Promise<string>;
  /** The fixtures process's RSS, to tell it apart from the backend's. */
  rssBytes(): Promise<number>;
  stop(): Promise<void>;
};

const REPLY_TYPES = new Set(['ready', 'pushed', 'memory', 'stopped', 'error']);

export async function startFixtures(
  start: Extract<FixtureRequest, { type: 'start' }>,
): Promise<Fixtures> {
  const child: ChildProcess = fork(
    path.join(__dirname, 'fixturesProcess.js'),
    [],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  let nextId = 1;
  const waiting = new Map<number, (reply: FixtureReply) => void>();
  let onReady: ((reply: FixtureReply) => void) | undefined;
  let failed: ((error: Error) => void) | undefined;
  child.on('message', (reply: FixtureReply) => {
    // Backstage's transform in the child tells its parent what it compiles
    // (`watch` messages, for watch mode); only our replies count.
    if (!REPLY_TYPES.has(reply?.type)) return;
    if (reply.type === 'error') {
      failed?.(new Error(`fixtures process: ${reply.message}`));
      return;
    }
    if ('id' in reply) {
      waiting.get(reply.id)?.(reply);
      waiting.delete(reply.id);
    } else {
      onReady?.(reply);
    }
  });
  const ask = (request: FixtureRequest & { id: number }) =>
    new Promise<FixtureReply>((resolve, reject) => {
      waiting.set(request.id, resolve);
      failed = reject;
      child.send(request);
    });

  let ready: FixtureReply;
  try {
    ready = await new Promise<FixtureReply>((resolve, reject) => {
      onReady = resolve;
      failed = reject;
      child.once('exit', code =>
        reject(new Error(`fixtures process exited (${code})`)),
      );
      child.send(start);
    });
    if (ready.type !== 'ready')
      throw new Error(`fixtures process answered ${ready.type}`);
  } catch (error) {
    child.kill();
    throw error;
  }
  return {
    clusters: ready.clusters,
    registry: ready.registry,
    async push(repository, tag, created) {
      const reply = await ask({
        type: 'push',
        id: nextId++,
        repository,
        tag,
        created,
      });
      return reply.type === 'pushed' ? reply.digest : '';
    },
    async rssBytes() {
      const reply = await ask({ type: 'memory', id: nextId++ });
      return reply.type === 'memory' ? reply.rssBytes : 0;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise(resolve => child.once('exit', resolve));
      child.send({ type: 'stop' });
      await Promise.race([
        exited,
        new Promise(resolve => setTimeout(resolve, 30_000)),
      ]);
      if (child.exitCode === null) child.kill();
    },
  };
}

// What the memory benchmark and its fixtures process tell each other.
export type FixtureRequest =
  | {
      type: 'start';
      /**
       * One simulated cluster each. `seed`: the Helm releases (revision 1,
       * deployed) of these entities' releases in `namespace`, written straight
       * into the cluster as if installed; for clusters the backend does not
       * apply to.
       */
      clusters: Array<{ namespace: string; seed?: { entities: number } }>;
      /** Repositories to push, each under every tag of `tags`. */
      images: string[];
      tags: string[];
      created: string;
      /** Extra tags per image, seeded onto the same digest. */
      otherTags: number;
    }
  | {
      type: 'push';
      id: number;
      repository: string;
      tag: string;
      created: string;
    }
  | { type: 'memory'; id: number }
  | { type: 'stop' };

export type FixtureReply =
  | {
      type: 'ready';
      clusters: Array<{ url: string; token: string }>;
      registry: { host: string; url: string };
    }
  | { type: 'pushed'; id: number; digest: string }
  | { type: 'memory'; id: number; rssBytes: number }
  | { type: 'stopped' }
  | { type: 'error'; message: string };

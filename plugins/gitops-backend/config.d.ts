import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the gitops backend plugin. */
  gitops?: {
    /**
     * Config repositories: each holds HelmRelease files per environment.
     * Without any, the plugin serves an empty pipeline.
     */
    repositories?: Array<{
      /** A short id, unique among repositories: [a-z0-9-]. */
      id: string;
      /**
       * Where to fetch from: `file:///path/repo.git`, `https://host/org/repo.git`
       * (the token comes from the matching entry of Backstage's `integrations`
       * config) or `ssh://git@host/org/repo.git` / `git@host:org/repo.git`.
       */
      url: string;
      /** Branch to follow. Defaults to `main`. */
      branch?: string;
      /** Credentials for ssh remotes; https takes its token from `integrations`. */
      ssh?: {
        /**
         * A deploy key (PEM or OpenSSH format).
         * @visibility secret
         */
        privateKey: string;
        /** known_hosts lines for the remote host; the host key is always checked. */
        knownHosts: string;
      };
      /** Author of the commits that image automation and promotions make. */
      author?: {
        name?: string;
        email?: string;
      };
      /** How often to fetch, and how long one sync may take. */
      schedule?: {
        frequency?: HumanDuration | string;
        timeout?: HumanDuration | string;
        initialDelay?: HumanDuration | string;
      };
      /**
       * Who commits new image tags to this repository:
       * - `backstage` (the default): this plugin's image automation scans
       *   the registries and commits, for Flux v1 annotations and for Flux v2
       *   setter markers whose ImagePolicy is in the repository;
       * - `flux`: Flux's image-automation-controller commits; the plugin
       *   never commits, and shows each ImagePolicy's latest image as read
       *   from the clusters of the repository's environments as "update
       *   available";
       * - `off`: nobody here scans or commits.
       */
      automation?: 'backstage' | 'flux' | 'off';
    }>;
    /**
     * Container registries image automation and promotions may read. Image
     * references name hosts in repository files, so a host is contacted only
     * when it is listed here or is one of the public defaults (see
     * `registryPolicy`); `url` points a host elsewhere (a mirror, or a local
     * registry). Only a listed registry may live on a loopback, private or
     * link-local address.
     */
    registries?: Array<{
      /** Host as written in image references: `docker.io`, `ghcr.io`, `127.0.0.1:5000`. */
      host: string;
      /** Base URL to reach it; defaults to `https://<host>` (Docker Hub: its registry host). */
      url?: string;
      username?: string;
      /**
       * Password or token for basic auth and for the bearer-token flow.
       * @visibility secret
       */
      password?: string;
      /** Requests in flight at once to this registry. Defaults to 4. */
      concurrency?: number;
      /** Per request, as a HumanDuration, a duration string or milliseconds. Defaults to 10 seconds. */
      timeout?: HumanDuration | string | number;
      /**
       * The token service of the bearer-token flow when it is not the
       * registry's own host (Docker Hub's and GHCR's are built in).
       */
      tokenRealm?: string;
      /** Hosts blob downloads may be redirected to (CDNs), https only. */
      redirectHosts?: string[];
    }>;
    /** Which registry hosts image references may name, and how much one image may list. */
    registryPolicy?: {
      /**
       * Read images of docker.io, ghcr.io, quay.io, registry.k8s.io, gcr.io,
       * public.ecr.aws, mcr.microsoft.com and registry.gitlab.com without
       * listing them in `registries`: anonymously, over https, and only where
       * the name resolves to public addresses. Defaults to true; false allows
       * only the hosts in `registries`.
       */
      allowPublicDefaults?: boolean;
      /** Tags one image may list; an image with more shows a problem. Defaults to 20000. */
      maxTagsPerImage?: number;
      /** Bytes of one image's tag listing, all pages together. Defaults to 8388608 (8 MiB). */
      maxListingBytes?: number;
    };
    /**
     * Helm repositories (https index.yaml) whose chart versions the chart
     * scan may read, for "chart update available". A HelmRepository url in
     * a repository file is contacted only when it lies under one of these
     * (same scheme, host and port, below its path); OCI Helm repositories
     * and OCIRepository charts go through `registries` and `registryPolicy`
     * like images.
     */
    helmRepositories?: Array<{
      /** `https://charts.example.com/stable`: its index.yaml is below it. */
      url: string;
      username?: string;
      /**
       * Password or token for basic auth.
       * @visibility secret
       */
      password?: string;
    }>;
    /** Image automation: new registry tags become commits. */
    imageAutomation?: {
      /** Defaults to true when repositories are configured. */
      enabled?: boolean;
      /** How often to scan. Defaults to every 5 minutes. */
      schedule?: {
        frequency?: HumanDuration | string;
        timeout?: HumanDuration | string;
        initialDelay?: HumanDuration | string;
      };
    };
    /**
     * Byte budgets of the in-memory caches, in MiB; the least recently used
     * entries go first. 0 turns a cache off.
     */
    caches?: {
      /** Decoded Helm release Secrets, per cluster. Defaults to 64. */
      helmRevisionsMiB?: number;
      /** Parsed large kustomization files, per repository. Defaults to 32. */
      parsedFilesMiB?: number;
      /** Image digest creation times. Defaults to 16. */
      imageCreatedAtMiB?: number;
      /** Which environment folders are overlays, per repository. Defaults to 4. */
      overlayFoldersMiB?: number;
      /** Registry bearer tokens, per registry host. Defaults to 2. */
      registryTokensMiB?: number;
      /**
       * How often, in minutes, the backend logs `Memory` (RSS, heap and
       * each cache's bytes and entries) at info level. Defaults to 10; 0
       * turns it off.
       */
      reportMinutes?: number;
    };
    /**
     * The promotion pipeline. Without it, each `releases/<env>/` folder of a
     * repository is an environment, ordered by name; with no `releases/`
     * folder, each `clusters/<env>/` whose Flux Kustomization applies a
     * folder of the repository, in pipeline order (dev, test, staging,
     * production, then by name).
     */
    environments?: Array<{
      name: string;
      /** Id of the repository the environment lives in. */
      repository: string;
      /**
       * Folder of the environment's manifests. Defaults to the folder the
       * Flux Kustomization in the repository's `clusters/<name>/` applies,
       * when there is one, else `releases/<name>`.
       */
      path?: string;
      /** Name of the cluster, as in `kubernetes.clusterLocatorMethods`. */
      cluster?: string;
      /** Position in the pipeline; dev -> stg -> prod is 1, 2, 3. */
      order?: number;
      /**
       * Server-side apply the environment's manifests (and the Namespaces
       * they use) to its cluster, as Flux would. Leave off where Flux itself
       * runs in the cluster. Defaults to false.
       */
      apply?: boolean;
      /** Delete applied objects that were removed from git. Needs apply. Defaults to false. */
      prune?: boolean;
      /**
       * The namespaces this environment applies to; an object elsewhere is
       * refused as an apply problem. Defaults to the namespace named like the
       * environment. A namespace two environments of one cluster claim is
       * refused to both.
       */
      namespaces?: string[];
      /**
       * Cluster-scoped kinds, besides the Namespaces it owns, that this
       * environment may apply (e.g. `ClusterRole`). Defaults to none.
       */
      clusterScopedKinds?: string[];
      /** When prune waits for a person. */
      pruneGuard?: {
        /**
         * Largest share (0 to 1) of the environment's applied objects one
         * cycle deletes without a confirmation. Defaults to 0.5. Deleting all
         * of them (a folder gone, a wrong path, a reset branch) always waits.
         */
        maxShare?: number;
        /** Confirms the deletion held at exactly this commit (full sha). */
        confirmedCommit?: string;
      };
    }>;
    /** Helm reconciliation: one task per cluster compares git with the Helm releases there. */
    helmReconcile?: {
      /** How often to read each cluster. Defaults to every 30 seconds. */
      schedule?: {
        frequency?: HumanDuration | string;
        timeout?: HumanDuration | string;
        initialDelay?: HumanDuration | string;
      };
      /** How long after an apply differences count as Progressing, not Drifted. Defaults to 2 minutes. */
      gracePeriod?: HumanDuration | string;
    };
    /**
     * Webhooks and registry notifications that run syncs and scans at once
     * (see the README's "Events and webhooks"); the schedules stay as the
     * fallback. GitHub's and GitLab's webhook secrets are the events
     * modules' own: `events.modules.github.webhookSecret`,
     * `events.modules.gitlab.webhookSecret`.
     */
    events?: {
      /** The ingress POST /api/events/http/gitops.registry; not added without `token`. */
      registry?: {
        /**
         * Shared token notifications carry as `Authorization: Bearer <token>`.
         * @visibility secret
         */
        token?: string;
        /**
         * The image hosts the notifying registry serves, as image references
         * write them (`docker.io`, `ghcr.io`, `registry.example.com:5000`):
         * distribution and Harbor notifications name images in these, never
         * in a host their body names. Docker Hub's are always docker.io.
         * @visibility backend
         */
        hosts?: string[];
      };
      /** The ingress POST /api/events/http/bitbucketCloud, signature-checked. */
      bitbucketCloud?: {
        /**
         * The webhook's secret: Bitbucket Cloud signs each delivery with it
         * (`X-Hub-Signature: sha256=<HMAC>`). Not added without it.
         * @visibility secret
         */
        webhookSecret?: string;
      };
    };
    /** Who may take actions (sync, promote, lock, unlock, reconcile, prune confirmation). */
    actions?: {
      /**
       * Service principals that may take actions, by subject: `plugin:<id>`
       * for a backend plugin, `external:<subject>` for a static or JWKS
       * external access token. Defaults to none: only users act, and the
       * permission policy judges them. A service named here is not judged
       * by the policy (Backstage allows every service principal), so name
       * only services you trust with every release.
       */
      allowedServices?: string[];
    };
    /**
     * Notifications to the owners of an entity about its releases: promotions,
     * locks and unlocks someone else made, image automation's commits, and
     * releases turning Failed, Drifted or Missing. Sent through Backstage's
     * notifications backend, which must run in this backend.
     */
    notifications?: {
      /** Defaults to true. */
      enabled?: boolean;
    };
    /**
     * How long, in seconds, the read routes keep a caller's permission
     * decision for `gitops.release.read` (a conditional decision answered
     * in SQL). A policy change shows within this time. Defaults to 10; 0
     * asks the policy on every request.
     */
    permissionDecisionCacheSeconds?: number;
    /**
     * How long, in seconds, the release reads keep an entity's annotations
     * per caller, asked of the catalog with the caller's credentials. An
     * annotation change shows within this time. Defaults to 10; 0 asks the
     * catalog on every request.
     */
    entityCacheSeconds?: number;
    /** The owners table behind owner conditions of read decisions. */
    releaseOwners?: {
      /**
       * How often, in minutes, every release's owners are resolved again
       * through the catalog, for ownership changed on the catalog side.
       * New and changed releases are resolved after each sync. Defaults to 10.
       */
      fullRefreshMinutes?: number;
    };
  };
}

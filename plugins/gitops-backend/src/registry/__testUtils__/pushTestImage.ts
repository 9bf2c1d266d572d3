import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** Where to push: a {@link startTestRegistry} result, or any registry base URL. */
export type PushTarget = { url: string; authorization?: string };

export type PushTestImageOptions = {
  repository: string;
  tag: string;
  /** ISO time written as the config's `created`; omitted from the config when undefined. */
  created: string | undefined;
  /** `os/architecture[/variant]` of the image; default `linux/amd64`. */
  platform?: string;
  /** `docker` schema 2 (default) or `oci` media types. */
  format?: 'docker' | 'oci';
  /**
   * Tag a manifest list / OCI index instead of the image itself. For a
   * linux/amd64 image the index lists a linux/arm64 decoy first (so taking
   * the first entry would be wrong); otherwise the image comes first,
   * followed by a linux/s390x decoy. Decoys are created 2001-01-01.
   */
  index?: boolean;
  /** Credentials overriding the target's own. */
  auth?: { username: string; password: string };
};

const MEDIA_TYPES = {
  docker: {
    manifest: 'application/vnd.docker.distribution.manifest.v2+json',
    index: 'application/vnd.docker.distribution.manifest.list.v2+json',
    config: 'application/vnd.docker.container.image.v1+json',
    layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  },
  oci: {
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    index: 'application/vnd.oci.image.index.v1+json',
    config: 'application/vnd.oci.image.config.v1+json',
    layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  },
};

export const DECOY_CREATED = '2001-01-01T00:00:00Z';

const sha256 = (data: Buffer) =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`;

function headersFor(target: PushTarget, auth: PushTestImageOptions['auth']) {
  const headers: Record<string, string> = {};
  if (auth) {
    headers.authorization = `Basic ${Buffer.from(
      `${auth.username}:${auth.password}`,
    ).toString('base64')}`;
  } else if (target.authorization) {
    headers.authorization = target.authorization;
  }
  return headers;
}

async function expectStatus(response: Response, wanted: number, what: string) {
  if (response.status !== wanted) {
    const body = await response.text().catch(() => '');
    throw new Error(`${what}: HTTP ${response.status} ${body.slice(0, 300)}`);
  }
}

/** Uploads a blob unless the repository has it (monolithic: POST, then PUT with the digest). */
async function pushBlob(
  target: PushTarget,
  headers: Record<string, string>,
  repository: string,
  data: Buffer,
): Promise<string> {
  const digest = sha256(data);
  const blobUrl = `${target.url}/v2/${repository}/blobs/${digest}`;
  const head = await fetch(blobUrl, { method: 'HEAD', headers });
  if (head.status === 200) {
    return digest;
  }
  const started = await fetch(`${target.url}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
    headers,
  });
  await expectStatus(started, 202, `start upload to ${repository}`);
  const location = new URL(started.headers.get('location') ?? '', target.url);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/octet-stream' },
    body: data,
  });
  await expectStatus(put, 201, `upload ${digest} to ${repository}`);
  return digest;
}

async function putManifest(
  target: PushTarget,
  headers: Record<string, string>,
  repository: string,
  reference: string,
  mediaType: string,
  body: Buffer,
): Promise<string> {
  const response = await fetch(
    `${target.url}/v2/${repository}/manifests/${reference}`,
    {
      method: 'PUT',
      headers: { ...headers, 'content-type': mediaType },
      body,
    },
  );
  await expectStatus(response, 201, `put manifest ${repository}:${reference}`);
  return response.headers.get('docker-content-digest') ?? sha256(body);
}

function parsePlatform(platform: string) {
  const [os, architecture, variant] = platform.split('/');
  return { os, architecture, ...(variant ? { variant } : {}) };
}

/** Pushes one single-platform image by digest; returns its manifest, digest and size. */
async function pushImage(
  target: PushTarget,
  headers: Record<string, string>,
  options: {
    repository: string;
    created: string | undefined;
    platform: string;
    format: 'docker' | 'oci';
  },
) {
  const types = MEDIA_TYPES[options.format];
  const layerContent = Buffer.from(`layer of ${options.repository}\n`);
  const layer = gzipSync(layerContent);
  const platform = parsePlatform(options.platform);
  const config = Buffer.from(
    JSON.stringify({
      ...(options.created !== undefined ? { created: options.created } : {}),
      ...platform,
      config: { Cmd: ['/bin/true'] },
      rootfs: { type: 'layers', diff_ids: [sha256(layerContent)] },
      history: [{ created: options.created, created_by: 'gitops test' }],
    }),
  );
  const configDigest = await pushBlob(
    target,
    headers,
    options.repository,
    config,
  );
  const layerDigest = await pushBlob(
    target,
    headers,
    options.repository,
    layer,
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: types.manifest,
      config: {
        mediaType: types.config,
        size: config.length,
        digest: configDigest,
      },
      layers: [
        { mediaType: types.layer, size: layer.length, digest: layerDigest },
      ],
    }),
  );
  const digest = sha256(manifest);
  await putManifest(
    target,
    headers,
    options.repository,
    digest,
    types.manifest,
    manifest,
  );
  return {
    digest,
    size: manifest.length,
    mediaType: types.manifest,
    platform,
    body: manifest,
  };
}

/**
 * Pushes a tiny image over the registry HTTP API (config blob with
 * `created`, one layer, schema 2 or OCI manifest, optionally wrapped in a
 * manifest list / OCI index) and tags it. Returns the digest the tag points at.
 */
export async function pushTestImage(
  target: PushTarget,
  options: PushTestImageOptions,
): Promise<string> {
  const headers = headersFor(target, options.auth);
  const format = options.format ?? 'docker';
  const platform = options.platform ?? 'linux/amd64';
  const image = await pushImage(target, headers, {
    repository: options.repository,
    created: options.created,
    platform,
    format,
  });
  if (!options.index) {
    return putManifest(
      target,
      headers,
      options.repository,
      options.tag,
      image.mediaType,
      image.body,
    );
  }
  const decoyPlatform =
    platform === 'linux/amd64' ? 'linux/arm64/v8' : 'linux/s390x';
  const decoy = await pushImage(target, headers, {
    repository: options.repository,
    created: DECOY_CREATED,
    platform: decoyPlatform,
    format,
  });
  const entries = platform === 'linux/amd64' ? [decoy, image] : [image, decoy];
  const indexType = MEDIA_TYPES[format].index;
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: indexType,
      manifests: entries.map(entry => ({
        mediaType: entry.mediaType,
        size: entry.size,
        digest: entry.digest,
        platform: entry.platform,
      })),
    }),
  );
  return putManifest(
    target,
    headers,
    options.repository,
    options.tag,
    indexType,
    index,
  );
}

/**
 * Puts the manifest `from` already points at under each of `tags`, a few
 * requests at a time: the cheap way to give an image hundreds of tags.
 */
export async function tagTestImage(
  target: PushTarget,
  options: {
    repository: string;
    from: string;
    tags: string[];
    concurrency?: number;
  },
): Promise<void> {
  const headers = headersFor(target, undefined);
  const accept = [
    ...Object.values(MEDIA_TYPES).flatMap(types => [
      types.manifest,
      types.index,
    ]),
  ].join(', ');
  const source = await fetch(
    `${target.url}/v2/${options.repository}/manifests/${options.from}`,
    { headers: { ...headers, accept } },
  );
  await expectStatus(source, 200, `read ${options.repository}:${options.from}`);
  const mediaType =
    source.headers.get('content-type') ?? MEDIA_TYPES.docker.manifest;
  const body = Buffer.from(await source.arrayBuffer());
  let next = 0;
  const worker = async () => {
    while (next < options.tags.length) {
      const tag = options.tags[next++];
      await putManifest(
        target,
        headers,
        options.repository,
        tag,
        mediaType,
        body,
      );
    }
  };
  await Promise.all(
    Array.from({ length: options.concurrency ?? 8 }, () => worker()),
  );
}

/** The media types `helm push` writes a chart with. */
export const HELM_CHART_MEDIA_TYPES = {
  config: 'application/vnd.cncf.helm.config.v1+json',
  content: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
};

/**
 * Pushes a chart the way `helm push` stores one: an OCI manifest whose
 * config is the Chart.yaml as JSON and whose one layer is the packaged
 * chart, tagged with its version (`+` written `_`, as Helm does). Returns
 * the manifest's digest.
 */
export async function pushTestChart(
  target: PushTarget,
  options: { repository: string; name: string; version: string },
): Promise<string> {
  const headers = headersFor(target, undefined);
  const config = Buffer.from(
    JSON.stringify({
      name: options.name,
      version: options.version,
      apiVersion: 'v2',
    }),
  );
  const content = gzipSync(
    Buffer.from(`${options.name}-${options.version}.tgz of the test chart\n`),
  );
  const configDigest = await pushBlob(
    target,
    headers,
    options.repository,
    config,
  );
  const contentDigest = await pushBlob(
    target,
    headers,
    options.repository,
    content,
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: HELM_CHART_MEDIA_TYPES.config,
        size: config.length,
        digest: configDigest,
      },
      layers: [
        {
          mediaType: HELM_CHART_MEDIA_TYPES.content,
          size: content.length,
          digest: contentDigest,
        },
      ],
    }),
  );
  return putManifest(
    target,
    headers,
    options.repository,
    options.version.replace(/\+/g, '_'),
    'application/vnd.oci.image.manifest.v1+json',
    manifest,
  );
}

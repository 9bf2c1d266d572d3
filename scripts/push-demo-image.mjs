#!/usr/bin/env node
// Pushes a tiny image to the demo registry over the OCI Distribution API,
// as CI would push a build: `node scripts/push-demo-image.mjs dev-1a2b3c4d`.
// Options: --repository stefanprodan/podinfo, or --image with the reference as
// repository files write it (`--image ghcr.io/stefanprodan/podinfo`: the demo
// registry stands in for docker.io and ghcr.io alike, so the host is dropped),
// --registry http://127.0.0.1:5000, --created <ISO time> (defaults to now).
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    repository: { type: 'string', default: 'stefanprodan/podinfo' },
    image: { type: 'string' },
    registry: {
      type: 'string',
      default:
        process.env.GITOPS_DEMO_REGISTRY_URL ??
        `http://127.0.0.1:${process.env.GITOPS_DEMO_REGISTRY_PORT ?? 5000}`,
    },
    created: { type: 'string', default: new Date().toISOString() },
  },
});
const [tag] = positionals;
if (!tag) {
  console.error(
    'usage: push-demo-image.mjs <tag> [--repository r | --image host/r] [--registry url] [--created iso]',
  );
  process.exit(2);
}

/** The repository inside the registry: an image reference without its host. */
function repositoryOf(image) {
  const [first, ...rest] = image.split('/');
  const isHost =
    rest.length > 0 &&
    (first.includes('.') || first.includes(':') || first === 'localhost');
  return isHost ? rest.join('/') : image;
}
const repository = values.image
  ? repositoryOf(values.image)
  : values.repository;

const base = `${values.registry.replace(/\/+$/, '')}/v2/${repository}`;
const sha256 = data =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`;

async function uploadBlob(data) {
  const digest = sha256(data);
  const head = await fetch(`${base}/blobs/${digest}`, { method: 'HEAD' });
  if (head.ok) return digest;
  const start = await fetch(`${base}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202)
    throw new Error(`upload start: HTTP ${start.status}`);
  const location = new URL(start.headers.get('location'), values.registry);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: data,
  });
  if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status}`);
  return digest;
}

// One layer per tag with the tag in it, so every tag is its own image.
const layerTar = Buffer.alloc(1024);
layerTar.write(`podinfo ${tag}\n`);
const layer = gzipSync(layerTar);
const config = Buffer.from(
  JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    created: values.created,
    config: { Labels: { 'org.opencontainers.image.version': tag } },
    rootfs: { type: 'layers', diff_ids: [sha256(layerTar)] },
  }),
);
const configDigest = await uploadBlob(config);
const layerDigest = await uploadBlob(layer);
const manifest = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  config: {
    mediaType: 'application/vnd.docker.container.image.v1+json',
    size: config.length,
    digest: configDigest,
  },
  layers: [
    {
      mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
      size: layer.length,
      digest: layerDigest,
    },
  ],
});
const put = await fetch(`${base}/manifests/${tag}`, {
  method: 'PUT',
  headers: {
    'content-type': 'application/vnd.docker.distribution.manifest.v2+json',
  },
  body: manifest,
});
if (put.status !== 201) {
  throw new Error(`manifest: HTTP ${put.status} ${await put.text()}`);
}
console.log(`pushed ${repository}:${tag} (created ${values.created})`);

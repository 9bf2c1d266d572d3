// The generated config repository of the helm benchmark: a fleet of
// HelmReleases (helm.fluxcd.io/v1, one git chart) spread over three
// environments, each on a cluster of its own, and team namespaces.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TestRemote } from '../../src/git/__testUtils__';
import { git } from '../benchTools';

export const NAMESPACES = 10;
export const CLUSTERS = [
  { environment: 'dev', cluster: 'cluster-a' },
  { environment: 'stg', cluster: 'cluster-b' },
  { environment: 'prod', cluster: 'cluster-c' },
];
export const TEAM_NAMESPACES = Array.from(
  { length: NAMESPACES },
  (_, n) => `team-${n}`,
);

export const environmentOf = (i: number) =>
  CLUSTERS[i % CLUSTERS.length].environment;
const namespaceOf = (i: number) =>
  TEAM_NAMESPACES[Math.floor(i / CLUSTERS.length) % NAMESPACES];
export const releasePath = (i: number) =>
  `releases/${environmentOf(i)}/app-${i}.yaml`;

/** The HelmRelease file of release `i`. */
export function release(i: number, replicas: number) {
  const env = environmentOf(i);
  return `apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata:
  name: app-${i}
  namespace: ${namespaceOf(i)}
  annotations:
    fluxcd.io/automated: "true"
    filter.fluxcd.io/chart-image: glob:${env}-*
  labels:
    app: app-${i}
spec:
  releaseName: app-${i}
  chart:
    git: git@example.com:org/config
    path: charts/app
    ref: main
  values:
    image:
      repository: example/app-${i}
      tag: ${env}-0001
    replicaCount: ${replicas}
`;
}

/** The fleet's one chart at `version`. */
export const chart = (version: string) =>
  `apiVersion: v1\nname: app\ndescription: The fleet's one chart\nversion: ${version}\nappVersion: 1.0.0\n`;

const TEMPLATE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      app: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}
    spec:
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
`;

const namespaceManifest = (name: string) =>
  `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;

/** Writes the repository into a work tree and pushes it: one git process per step, not per file. */
export async function pushConfigRepository(
  remote: TestRemote,
  releases: number,
  root: string,
) {
  const work = await mkdtemp(path.join(root, 'work-'));
  const put = async (file: string, content: string) => {
    await mkdir(path.dirname(path.join(work, file)), { recursive: true });
    await writeFile(path.join(work, file), content);
  };
  await put('charts/app/Chart.yaml', chart('0.1.0'));
  await put('charts/app/templates/deployment.yaml', TEMPLATE);
  for (const namespace of TEAM_NAMESPACES) {
    await put(`namespaces/${namespace}.yaml`, namespaceManifest(namespace));
  }
  for (let i = 0; i < releases; i++) await put(releasePath(i), release(i, 2));
  await git(work, 'init', '-q', '-b', 'main');
  await git(work, 'add', '-A');
  await git(
    work,
    '-c',
    'user.name=bench',
    '-c',
    'user.email=bench@example.com',
    'commit',
    '-q',
    '-m',
    'Generate the fleet',
  );
  await git(work, 'push', '-q', remote.path, 'main');
  await rm(work, { recursive: true, force: true });
}

// The memory benchmark's config repository: 200 entities x 100 releases
// (helm.fluxcd.io/v1, one git chart, automated on a glob policy), spread over
// the environments, each release in the namespace named like its
// environment; one registry image per entity.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TestRemote } from '../../src/git/__testUtils__';
import { git } from '../benchTools';

export const ENVIRONMENTS = ['dev', 'test', 'stg', 'prod'];
export const RELEASES_PER_ENTITY = 100;

export const serviceId = (entity: number) =>
  `svc-${String(entity).padStart(3, '0')}`;
export const imageOf = (entity: number) => `fleet/${serviceId(entity)}`;
export const environmentOf = (r: number) =>
  ENVIRONMENTS[r % ENVIRONMENTS.length];
export const tagOf = (environment: string, build: number) =>
  `${environment}-${String(build).padStart(4, '0')}`;
export const releaseNameOf = (entity: number, r: number) =>
  `${serviceId(entity)}-r${String(r).padStart(2, '0')}`;
export const releasePath = (entity: number, r: number) =>
  `releases/${environmentOf(r)}/${releaseNameOf(entity, r)}.yaml`;

/** Release `r` of `entity`: its image at `build` of its environment, `replicas` replicas. */
export function releaseFile(
  registryHost: string,
  entity: number,
  r: number,
  options: { build?: number; replicas?: number } = {},
) {
  const environment = environmentOf(r);
  const name = releaseNameOf(entity, r);
  return `apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata:
  name: ${name}
  namespace: ${environment}
  annotations:
    fluxcd.io/automated: "true"
    filter.fluxcd.io/chart-image: glob:${environment}-*
  labels:
    app: ${serviceId(entity)}
spec:
  releaseName: ${name}
  chart:
    git: git@example.com:org/config
    path: charts/app
    ref: main
  values:
    image:
      repository: ${registryHost}/${imageOf(entity)}
      tag: ${tagOf(environment, options.build ?? 1)}
    replicaCount: ${options.replicas ?? 2}
`;
}

const CHART =
  "apiVersion: v1\nname: app\ndescription: The fleet's one chart\nversion: 0.1.0\nappVersion: 1.0.0\n";
const TEMPLATE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicaCount }}
  template:
    spec:
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
`;

/** Writes the repository into a work tree and pushes it in one commit. */
export async function pushFleetRepository(
  remote: TestRemote,
  options: { entities: number; registryHost: string; root: string },
) {
  const work = await mkdtemp(path.join(options.root, 'work-'));
  const put = async (file: string, content: string) => {
    await mkdir(path.dirname(path.join(work, file)), { recursive: true });
    await writeFile(path.join(work, file), content);
  };
  await put('charts/app/Chart.yaml', CHART);
  await put('charts/app/templates/deployment.yaml', TEMPLATE);
  for (let entity = 0; entity < options.entities; entity++) {
    for (let r = 0; r < RELEASES_PER_ENTITY; r++) {
      await put(
        releasePath(entity, r),
        releaseFile(options.registryHost, entity, r),
      );
    }
  }
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
  // git may still be finishing writes in .git after the push; rm retries then.
  await rm(work, { recursive: true, force: true, maxRetries: 5 });
}

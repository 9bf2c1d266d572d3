import {
  CHART_REVISION_ANNOTATION,
  CHART_VERSION_ANNOTATION,
  KubeObject,
} from '@backstage-gitops/kubernetes-double';
import { readKustomizeOverlay } from '@backstage-gitops/plugin-gitops-backend';
import { DemoFleetRepository } from './demoFleetRepository';

const KUSTOMIZATION_FILES = [
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
];
const MANIFEST = /\.ya?ml$/;

/**
 * Builds a Kustomization's `spec.path` of the fleet repository at `sha` as
 * kustomize-controller would, for the simulated one: through the gitops
 * plugin's own overlay reader (resources, patches, namespace). A folder
 * without a kustomization file gets the one Flux generates for it: every
 * manifest below it, and each subfolder that has a kustomization file of
 * its own as one resource. A blocking problem of the overlay fails the
 * build, so the simulated controller applies nothing, as Flux would.
 */
export async function renderFleetPath(
  repository: DemoFleetRepository,
  sha: string,
  specPath: string,
): Promise<{ objects: KubeObject[] } | { error: string }> {
  const folder = normaliseFolder(specPath);
  if (folder === undefined) {
    return { error: `path ${specPath} leaves the repository` };
  }
  const files = await repository.listFiles(sha, folder);
  if (files.length === 0) {
    return { error: `path ${specPath}: no such directory` };
  }
  const generated = hasKustomization(files, folder)
    ? undefined
    : generatedKustomization(files, folder);
  const generatedPath = `${folder ? `${folder}/` : ''}kustomization.yaml`;

  const overlay = await readKustomizeOverlay(folder, async paths => {
    const contents = new Map<string, string>();
    for (const file of paths) {
      if (generated && file === generatedPath) {
        contents.set(file, generated);
        continue;
      }
      const text = await repository.readFile(sha, file);
      if (text !== undefined) contents.set(file, text);
    }
    return contents;
  });
  const blocking = overlay.problems.filter(problem => problem.blocking);
  if (blocking.length > 0) {
    return {
      error: blocking
        .map(p => `${p.path}${p.line ? `:${p.line}` : ''}: ${p.message}`)
        .join('; '),
    };
  }
  const objects = overlay.resources.map(
    resource => resource.object as KubeObject,
  );
  for (const object of objects)
    await withChartFromSource(repository, sha, object);
  return { objects };
}

/**
 * Stands in for source-controller: a HelmRelease whose chart is a folder of
 * this repository (GitRepository flux-system) gets the chart's version from
 * its Chart.yaml and its folder's git tree, in the annotations the simulated
 * helm-controller deploys from (it has no git, as the double has none). Real
 * Flux keeps these in a HelmChart's artifact; without them the simulation
 * would deploy every such chart as 0.0.0.
 */
async function withChartFromSource(
  repository: DemoFleetRepository,
  sha: string,
  object: KubeObject,
): Promise<void> {
  if (object.kind !== 'HelmRelease') return;
  const chart = (object as any).spec?.chart?.spec;
  const source = chart?.sourceRef;
  if (
    typeof chart?.chart !== 'string' ||
    source?.kind !== 'GitRepository' ||
    source?.name !== 'flux-system'
  )
    return;
  const folder = normaliseFolder(chart.chart);
  if (!folder) return;
  const chartYaml = await repository.readFile(sha, `${folder}/Chart.yaml`);
  const version = chartYaml && topLevelScalar(chartYaml, 'version');
  const tree = await repository.treeOf(sha, folder);
  if (!version || !tree) return;
  const metadata = (object.metadata ?? {}) as Record<string, any>;
  object.metadata = metadata;
  metadata.annotations = {
    ...metadata.annotations,
    [CHART_VERSION_ANNOTATION]: version,
    [CHART_REVISION_ANNOTATION]: tree,
  };
}

/** A top-level `key: value` of a simple YAML file such as Chart.yaml, unquoted. */
function topLevelScalar(text: string, key: string): string | undefined {
  const line = text
    .split('\n')
    .find(candidate => candidate.startsWith(`${key}:`));
  let value =
    line
      ?.slice(key.length + 1)
      .split(' #')[0]
      .trim() ?? '';
  const quote = value[0];
  if ((quote === '"' || quote === "'") && value.endsWith(quote)) {
    value = value.slice(1, -1);
  }
  return value || undefined;
}

/** `./clusters/staging/` -> `clusters/staging`; undefined when it leaves the repository. */
function normaliseFolder(specPath: string): string | undefined {
  const segments = specPath
    .split('/')
    .filter(segment => segment !== '' && segment !== '.');
  if (segments.some(segment => segment === '..')) return undefined;
  return segments.join('/');
}

function hasKustomization(files: string[], folder: string): boolean {
  return KUSTOMIZATION_FILES.some(name =>
    files.includes(folder ? `${folder}/${name}` : name),
  );
}

/**
 * The kustomization Flux writes for a folder without one: the manifests
 * below it, a subfolder with a kustomization file standing for its contents.
 * JSON, which is YAML.
 */
function generatedKustomization(files: string[], folder: string): string {
  const prefix = folder ? `${folder}/` : '';
  const relative = files.map(file => file.slice(prefix.length));
  const kustomized = relative
    .filter(file => KUSTOMIZATION_FILES.some(name => file.endsWith(`/${name}`)))
    .map(file => file.slice(0, file.lastIndexOf('/')));
  const inside = (file: string, dir: string) => file.startsWith(`${dir}/`);
  const topmost = kustomized.filter(
    dir => !kustomized.some(other => other !== dir && inside(dir, other)),
  );
  const resources = [
    ...topmost,
    ...relative.filter(
      file => MANIFEST.test(file) && !topmost.some(dir => inside(file, dir)),
    ),
  ].sort();
  return JSON.stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources,
  });
}

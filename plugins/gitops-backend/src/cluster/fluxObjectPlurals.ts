import { FluxObjectKind } from '../kernel';

/** The resource (plural) names Flux's CRDs register their kinds under. */
export const FLUX_OBJECT_PLURALS: Record<FluxObjectKind, string> = {
  ImageRepository: 'imagerepositories',
  ImagePolicy: 'imagepolicies',
  ImageUpdateAutomation: 'imageupdateautomations',
  Kustomization: 'kustomizations',
  GitRepository: 'gitrepositories',
  HelmRepository: 'helmrepositories',
  OCIRepository: 'ocirepositories',
  HelmChart: 'helmcharts',
};

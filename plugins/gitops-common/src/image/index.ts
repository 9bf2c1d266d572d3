export {
  DOCKER_HUB,
  formatImageName,
  ImageReferenceError,
  imageLabel,
  imageRepositorySpellings,
  isImageTag,
  isRegistryHost,
  isRepositoryPath,
  parseImageReference,
  readsAsRegistryHost,
  resolveImageName,
  sameImage,
} from './imageReference';
export type { ImageName, ParsedImageReference } from './imageReference';

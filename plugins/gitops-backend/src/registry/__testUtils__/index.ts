export { bcryptHash } from './bcryptHash';
export { InMemoryImageMetadataCache } from './InMemoryImageMetadataCache';
export {
  DECOY_CREATED,
  HELM_CHART_MEDIA_TYPES,
  pushTestChart,
  pushTestImage,
  tagTestImage,
} from './pushTestImage';
export type { PushTarget, PushTestImageOptions } from './pushTestImage';
export { seedTestTags } from './seedTestTags';
export { startTestRegistry } from './startTestRegistry';
export type { TestRegistry } from './startTestRegistry';
export { startStubRegistry, pagedTagList } from './startStubRegistry';
export type {
  StubHandler,
  StubReply,
  StubRequest,
  StubRegistry,
} from './startStubRegistry';
export { createRecordingLogger } from './recordingLogger';
export type { LogRecord } from './recordingLogger';

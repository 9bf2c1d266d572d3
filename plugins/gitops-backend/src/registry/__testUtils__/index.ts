export { bcryptHash } from './bcryptHash';
export { InMemoryImageMetadataCache } from './InMemoryImageMetadataCache';
export { pushTestImage, tagTestImage, DECOY_CREATED } from './pushTestImage';
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

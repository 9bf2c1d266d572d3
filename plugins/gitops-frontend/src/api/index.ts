export { gitopsApiRef } from './GitopsApi';
export type { GitopsApi, ReleaseAction } from './GitopsApi';
export { GitopsClient } from './GitopsClient';

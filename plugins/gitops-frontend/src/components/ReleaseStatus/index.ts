export { ReleaseStatus } from './ReleaseStatus';

/** The read API: the release service and the router that serves it and the actions. */
export { ReleaseService } from './ReleaseService';
export { createRouter } from './router';

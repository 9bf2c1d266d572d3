/**
 * What every folder may use and that uses no folder of its own: how an
 * error is told, how many tasks run at once, and how Flux v1 and v2
 * HelmReleases differ.
 */
export { errorMessage } from './errorMessage';
export { Semaphore } from './Semaphore';

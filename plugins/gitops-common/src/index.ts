/**
 * Shared types, permissions and annotations of the gitops plugins.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './events';
export * from './image';
export * from './notifications';
export * from './permissions';
export * from './policy';
export * from './releaseKey';
export * from './signals';
export * from './types';

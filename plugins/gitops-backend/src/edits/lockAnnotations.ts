import { AnnotationChange } from './rewriteAnnotations';

/** Flux v1's lock: automation leaves a release alone while it is exactly "true". */
export const LOCKED = 'fluxcd.io/locked';
export const LOCKED_USER = 'fluxcd.io/locked_user';
export const LOCKED_MSG = 'fluxcd.io/locked_msg';

// fluxd also read the names from before the CNCF rename; an unlock that left
// them would leave the release locked.
const LEGACY_PREFIX = 'flux.weave.works/';
const LOCK_NAMES = ['locked', 'locked_user', 'locked_msg'];

/** Locks a release, saying who and why. */
export function lockChange(actor: string, message: string): AnnotationChange {
  return {
    set: { [LOCKED]: 'true', [LOCKED_USER]: actor, [LOCKED_MSG]: message },
  };
}

/** Removes every lock annotation, under either prefix. */
export function unlockChange(): AnnotationChange {
  return {
    remove: LOCK_NAMES.flatMap(name => [
      `fluxcd.io/${name}`,
      `${LEGACY_PREFIX}${name}`,
    ]),
  };
}

/**
 * Whether annotations lock a release, as fluxd read them: `fluxcd.io/locked`
 * (else the legacy name) exactly "true". For documents the manifests parser
 * does not read whole, such as an overlay's patch.
 */
export function isLockedBy(annotations: Record<string, unknown>): boolean {
  return (
    (annotations[LOCKED] ?? annotations[`${LEGACY_PREFIX}locked`]) === 'true'
  );
}

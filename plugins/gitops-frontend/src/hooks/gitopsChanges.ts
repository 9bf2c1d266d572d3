import { useSyncExternalStore } from 'react';

let generation = 0;
const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/**
 * Tells every mounted gitops card to read again: an action on one card
 * (a promotion on the environments card) changes what the other shows.
 */
export function notifyGitopsChanged() {
  generation += 1;
  listeners.forEach(listener => listener());
}

/**
 * How many changes have been announced on this page. Reads depend on it so
 * that they run again after an action, and reads of one generation may
 * share an answer.
 */
export function useGitopsGeneration(): number {
  return useSyncExternalStore(subscribe, () => generation);
}

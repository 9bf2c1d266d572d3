import { useEffect } from 'react';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  GITOPS_ENVIRONMENTS_SIGNAL_CHANNEL,
  gitopsEntitySignalChannel,
  GitopsSignalMessage,
} from '@backstage-gitops/plugin-gitops-common';
import { notifyGitopsChanged } from './gitopsChanges';

/** Where signals are not installed, the cards read again this often. */
export const GITOPS_POLL_INTERVAL_MS = 60_000;

/**
 * Signals of one change arrive together (on the entity's channel and the
 * environments', to each card of the page): they make one read.
 */
const READ_AFTER_MS = 250;

let scheduled: ReturnType<typeof setTimeout> | undefined;
/** Hooks mounted: once none is, a scheduled read is dropped. */
let mounted = 0;

function readSoon() {
  if (scheduled) return;
  scheduled = setTimeout(() => {
    scheduled = undefined;
    notifyGitopsChanged();
  }, READ_AFTER_MS);
}

/**
 * Keeps the cards of an entity current: they read again when the backend
 * signals a change to the entity's releases or to the environments. Without
 * the signals plugin, they read again every `pollIntervalMs` while the page
 * is visible.
 */
export function useGitopsLiveUpdates(
  entityRef: string,
  pollIntervalMs: number = GITOPS_POLL_INTERVAL_MS,
) {
  useEffect(() => {
    mounted += 1;
    return () => {
      mounted -= 1;
      if (mounted === 0 && scheduled) {
        clearTimeout(scheduled);
        scheduled = undefined;
      }
    };
  }, []);
  const entity = useSignal<GitopsSignalMessage>(
    gitopsEntitySignalChannel(entityRef),
  );
  const environments = useSignal<GitopsSignalMessage>(
    GITOPS_ENVIRONMENTS_SIGNAL_CHANNEL,
  );
  useEffect(() => {
    if (entity.lastSignal) readSoon();
  }, [entity.lastSignal]);
  useEffect(() => {
    if (environments.lastSignal) readSoon();
  }, [environments.lastSignal]);

  const polling = !entity.isSignalsAvailable;
  useEffect(() => {
    if (!polling) return undefined;
    // A poll skipped while hidden is made up for when the page shows again.
    let missed = false;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') readSoon();
      else missed = true;
    }, pollIntervalMs);
    const shown = () => {
      if (document.visibilityState !== 'visible' || !missed) return;
      missed = false;
      readSoon();
    };
    document.addEventListener('visibilitychange', shown);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', shown);
    };
  }, [polling, pollIntervalMs]);
}

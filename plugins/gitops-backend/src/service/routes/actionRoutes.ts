import {
  gitopsAutomationUpdatePermission,
  gitopsPromotePermission,
  GitopsPromotion,
  gitopsPruneConfirmPermission,
  gitopsReconcilePermission,
  GitopsReleaseKey,
  gitopsSyncPermission,
  stringifyGitopsReleaseRef,
} from '@backstage-gitops/plugin-gitops-common';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import express from 'express';
import {
  PruneConfirmations,
  ReconcileRequests,
  ReleaseLocks,
  ReleasePromotions,
} from '../../actions';
import { EventStore, HeldPruneRecord } from '../../database';
import { SyncTrigger } from '../../sync';
import { GitopsApiRouter } from './GitopsApiRouter';
import { GuardedAction } from './guardedAction';

/**
 * The actions: sync, and per release reconcile, promote, lock and unlock,
 * and the confirmation of a deletion the prune guard holds. The spec has
 * checked each body before a handler runs; every action goes through the
 * one guarded action, which checks, audits and names who asked.
 */
export function addActionRoutes(
  router: GitopsApiRouter,
  deps: {
    guardedAction: GuardedAction;
    eventStore: EventStore;
    sync: SyncTrigger;
    reconcileRequests: ReconcileRequests;
    pruneConfirmations: PruneConfirmations;
    promotions: ReleasePromotions;
    locks: ReleaseLocks;
  },
) {
  const { guardedAction } = deps;

  /**
   * A release action: checked on the release, with the entity page it was
   * asked from (which policies may log; owners come from the release itself).
   */
  const releaseAction = <T>(
    req: express.Request<GitopsReleaseKey>,
    action: {
      eventId: string;
      permission: ResourcePermission;
      /** For the refusal: `<actor> may not <verb> <release>`. */
      verb: string;
      /** The body's fields, as the auditor keeps them. */
      body: { entityRef?: string } & JsonObject;
      auditMeta?: (result: T) => JsonObject;
    },
    act: (key: GitopsReleaseKey, actor: string) => Promise<T>,
  ) => {
    const { environment, namespace, name } = req.params;
    const key = { environment, namespace, name };
    return guardedAction(
      req,
      {
        eventId: action.eventId,
        meta: { ...key, ...action.body },
        authorize: {
          permission: action.permission,
          resourceRef: stringifyGitopsReleaseRef({
            ...key,
            entityRef: action.body.entityRef,
          }),
        },
        refusal: actor =>
          `${actor} may not ${action.verb} ${namespace}/${name} in ${environment}`,
        auditMeta: action.auditMeta,
      },
      actor => act(key, actor),
    );
  };

  /** Locking and unlocking are one permission: changing what automation may do. */
  const lockAction = <T>(
    req: express.Request<GitopsReleaseKey>,
    verb: 'lock' | 'unlock',
    body: { entityRef?: string } & JsonObject,
    act: (key: GitopsReleaseKey, actor: string) => Promise<T>,
  ) =>
    releaseAction(
      req,
      {
        eventId: `gitops-${verb}`,
        permission: gitopsAutomationUpdatePermission,
        verb,
        body,
      },
      act,
    );

  router.post(
    '/releases/:environment/:namespace/:name/reconcile',
    async (req, res) => {
      const result = await releaseAction(
        req,
        {
          eventId: 'gitops-reconcile',
          permission: gitopsReconcilePermission,
          verb: 'reconcile',
          body: { entityRef: req.body?.entityRef },
        },
        async (key, actor) => ({
          ...(await deps.reconcileRequests.request(key, actor)),
          requestedBy: actor,
        }),
      );
      res.status(202).json(result);
    },
  );

  router.post(
    '/releases/:environment/:namespace/:name/promote',
    async (req, res) => {
      const dryRun = req.body?.dryRun ?? false;
      const promotion = await releaseAction(
        req,
        {
          eventId: 'gitops-promote',
          permission: gitopsPromotePermission,
          verb: 'promote',
          body: { entityRef: req.body?.entityRef, dryRun },
          auditMeta: ({ mode, tag, image, path, commit }: GitopsPromotion) => ({
            mode,
            image,
            tag,
            path,
            commit,
          }),
        },
        (key, actor) => deps.promotions.promote(key, { actor, dryRun }),
      );
      res.status(promotion.commit ? 201 : 200).json(promotion);
    },
  );

  router.post(
    '/releases/:environment/:namespace/:name/lock',
    async (req, res) => {
      const message = req.body?.message;
      const result = await lockAction(
        req,
        'lock',
        { entityRef: req.body?.entityRef, message },
        (key, actor) => deps.locks.lock(key, { actor, message }),
      );
      res.status(result.changed ? 201 : 200).json(result);
    },
  );

  router.post(
    '/releases/:environment/:namespace/:name/unlock',
    async (req, res) => {
      const result = await lockAction(
        req,
        'unlock',
        { entityRef: req.body?.entityRef },
        (key, actor) => deps.locks.unlock(key, { actor }),
      );
      res.status(result.changed ? 201 : 200).json(result);
    },
  );

  router.post('/sync', async (req, res) => {
    const repository = req.body?.repository;
    const result = await guardedAction(
      req,
      {
        eventId: 'gitops-sync',
        meta: { repository: repository ?? 'all' },
        authorize: { permission: gitopsSyncPermission },
        refusal: actor => `${actor} may not trigger a gitops sync`,
        auditMeta: ({ repositories }: { repositories: string[] }) => ({
          repositories,
        }),
      },
      async actor => {
        const repositories = await deps.sync.trigger(repository);
        await deps.eventStore.addEvents(
          repositories.map(id => ({
            type: 'sync-requested',
            repository: id,
            actor,
            at: new Date(),
          })),
        );
        return { repositories, requestedBy: actor };
      },
    );
    res.status(202).json(result);
  });

  // The prune guard: confirming a held deletion has a permission of its own.
  router.post(
    '/environments/:environment/prune-confirmations',
    async (req, res) => {
      const { environment } = req.params;
      const { commit } = req.body;
      const confirmed = await guardedAction(
        req,
        {
          eventId: 'gitops-prune-confirm',
          severityLevel: 'high',
          meta: { environment, commit },
          authorize: { permission: gitopsPruneConfirmPermission },
          refusal: actor => `${actor} may not confirm prunes in ${environment}`,
          auditMeta: ({ objects }: HeldPruneRecord) => ({
            objects: objects.length,
          }),
        },
        actor =>
          deps.pruneConfirmations.confirm(environment, { commit, actor }),
      );
      res.status(201).json(confirmed);
    },
  );
}

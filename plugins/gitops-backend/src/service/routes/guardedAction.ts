import {
  AuditorService,
  AuditorServiceEvent,
  AuthService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizePermissionRequest,
  AuthorizeResult,
} from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import express from 'express';
import { ActionPrincipals } from '../../permissions';
import { actorOf } from '../ReleaseService';
import { callerCredentials } from './GitopsApiRouter';

/** One action as the API takes it: what is audited, and what it needs. */
export interface GuardedActionRequest<T> {
  eventId: string;
  severityLevel?: 'medium' | 'high';
  /** What the auditor keeps of the request. */
  meta: JsonObject;
  /** The permission (and resource) the policy must allow. */
  authorize: AuthorizePermissionRequest;
  /** The refusal when the policy denies it, e.g. `<actor> may not ...`. */
  refusal: (actor: string) => string;
  /** What the auditor keeps of the result; all of it by default. */
  auditMeta?: (result: T) => JsonObject;
}

/**
 * Runs an action the way every action of the API runs: who asks, an auditor
 * event that ends in success or failure, then the principal check and the
 * permission check. Nothing is read or written before both pass.
 */
export type GuardedAction = <T>(
  req: express.Request,
  action: GuardedActionRequest<T>,
  act: (actor: string) => Promise<T>,
) => Promise<T>;

export function createGuardedAction(deps: {
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  actionPrincipals: ActionPrincipals;
}): GuardedAction {
  return async (req, action, act) => {
    const credentials = await callerCredentials(deps.httpAuth, req);
    const actor = actorOf(credentials, deps.auth);
    const audit: AuditorServiceEvent = await deps.auditor.createEvent({
      eventId: action.eventId,
      severityLevel: action.severityLevel ?? 'medium',
      request: req,
      meta: action.meta,
    });
    try {
      deps.actionPrincipals.assertMayAct(credentials, actor);
      const [decision] = await deps.permissions.authorize([action.authorize], {
        credentials,
      });
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(action.refusal(actor));
      }
      const result = await act(actor);
      await audit.success({
        meta: action.auditMeta?.(result) ?? (result as JsonObject),
      });
      return result;
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  };
}

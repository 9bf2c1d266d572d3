import { spec } from '../../schema';
import { ApiRouter } from '@backstage/backend-openapi-utils';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import express from 'express';

/**
 * The router typed by `src/schema/openapi.yaml`: each route's path
 * parameters, query, body and answers are the spec's, checked by tsc.
 */
export type GitopsApiRouter = ApiRouter<typeof spec>;

/** Reads and actions take users and services; `/health` takes anyone. */
export function callerCredentials(
  httpAuth: HttpAuthService,
  req: express.Request,
) {
  return httpAuth.credentials(req, { allow: ['user', 'service'] });
}

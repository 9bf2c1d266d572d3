import { spec } from '../../schema';
import { ApiRouter } from '@backstage/backend-openapi-utils';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import express from 'express';

/**
 * The router typed by `src/schema/openapi.yaml`: each route's path
 * parameters, query, body and answers are the spec's, checked by tsc.
 */
export type GitopsApiRouter = ApiRouter<typeof spec>;

/**
 * Reads and actions take users and services; `/health` takes anyone. Any
 * query shape: the spec's typed queries hold numbers too.
 */
export function callerCredentials(
  httpAuth: HttpAuthService,
  req: express.Request<any, any, any, any>,
) {
  return httpAuth.credentials(req, { allow: ['user', 'service'] });
}

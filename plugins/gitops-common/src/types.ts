/**
 * The answer of `GET /api/gitops/health`.
 *
 * @public
 */
export type GitopsHealth = {
  status: 'ok';
};

/**
 * One stage of the promotion pipeline, as the backend stores it after a sync.
 *
 * @public
 */
export type GitopsEnvironment = {
  name: string;
  repository: string;
  path: string;
  cluster?: string;
  order: number;
};

/**
 * The answer of `GET /api/gitops/environments`.
 *
 * @public
 */
export type GitopsEnvironmentList = {
  items: GitopsEnvironment[];
};

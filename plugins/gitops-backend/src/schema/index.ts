/** The API spec and the router typed from it. */
export { createOpenApiRouter, spec } from './openapi';

export { ROLES, isRole, roleAtLeast } from './access.js';
export type { Access, Principal, Role, TokenAuthenticator } from './access.js';
export { buildHttp } from './http.js';
export type { Http, HttpOptions } from './http.js';
export type { RouteInfo } from './authorize.js';
export type { ErrorBody } from './errors-handler.js';
export { buildOpenApi, openApiRoutes } from './openapi.js';
export { DEVICE_ID_PARAMS } from './schemas.js';

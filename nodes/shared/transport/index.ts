export { credentialsFor, optimoveRequest } from './request';
export type { OptimoveContext, OptimoveRequest, OptimoveResponse } from './request';
export { chunk } from './chunker';
export { pages, allPages } from './pager';
export { batchLimitOf, pageSizeOf, ROUTES } from './routes';
export type { RouteName, ApiGroup } from './routes';
export { clock } from './clock';

export { dashboardIsStale, ensureDashboardBuilt } from './build.js';
export { defaultDistDir } from './paths.js';
export { type DashboardOptions, dashboardPlugin } from './plugin.js';
export { securityHeaders } from './security-headers.js';

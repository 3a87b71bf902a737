export { type AuditChange, AuditLog } from './audit.js';
export {
  ControlPlane,
  type DevicePatch,
  type NewDevice,
  type Page,
  type Principal,
} from './control-plane.js';
export { authenticate, presentedKey, requireDevice, requireScope } from './http-auth.js';
export { generateApiKey, hashKey, parseApiKey, sameHash } from './keys.js';
export { isStateChanging, originAllowed } from './origin-policy.js';
export {
  RequestAuth,
  type RequestAuthOptions,
  type ResolvedSession,
  type SessionCheck,
} from './request-auth.js';
export {
  clearedSessionCookie,
  readCookie,
  type SessionCookieOptions,
  sessionCookieName,
  sessionSetCookie,
} from './session-cookie.js';
export { type OpenedSession, WebSessions } from './web-sessions.js';

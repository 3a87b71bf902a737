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

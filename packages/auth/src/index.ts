export { ControlPlane, type NewDevice, type Principal } from './control-plane.js';
export { authenticate, presentedKey, requireDevice, requireScope } from './http-auth.js';
export { generateApiKey, hashKey, parseApiKey, sameHash } from './keys.js';

import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/dashboard: src/server → ../.. */
export const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const defaultDistDir = join(packageDir, 'dist');

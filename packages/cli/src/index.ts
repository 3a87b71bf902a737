export { parseCli, runCommand, UsageError, usage } from './commands.js';

export {
  findNatsServerBinary,
  freePort,
  type NatsServerHandle,
  natsConfig,
  spawnNatsServer,
} from './nats-server.js';
export { dataDir, dataPath, modelPath, modelsDir, repoRoot } from './paths.js';
export { type AccountsNats, type Credentials, natsUserOf, startAccountsNats } from './shipped-nats.js';
export { type RunningStack, type ServiceName, type StackOptions, serviceNames, startStack } from './stack.js';
export { startNats, type TestNats } from './start-nats.js';
export { waitFor } from './wait.js';

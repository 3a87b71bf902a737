export { startNats, type TestNats } from './start-nats.js';
export { findNatsServerBinary, freePort, natsConfig, spawnNatsServer, type NatsServerHandle } from './nats-server.js';
export { dataDir, dataPath, modelPath, modelsDir, repoRoot } from './paths.js';
export { waitFor } from './wait.js';
export { type RunningStack, type ServiceName, serviceNames, type StackOptions, startStack } from './stack.js';

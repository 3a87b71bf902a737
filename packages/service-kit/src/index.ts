export { bootService, type ServiceRuntime } from './boot.js';
export { BaseEnv, ConfigError, loadEnv } from './config.js';
export { createHttpServer, errorBody, type HttpOptions, parseOrigins, type Readiness } from './http.js';
export { createLogger, type Logger, type LoggerOptions, redactPaths } from './logger.js';
export { Counter, createRegistry, Gauge, Histogram, metricPrefix, type Registry } from './metrics.js';
export { type BaseServiceConfig, exitOnStartFailure, runService, type ServiceApp } from './run.js';
export { onShutdown, type ShutdownStep } from './shutdown.js';

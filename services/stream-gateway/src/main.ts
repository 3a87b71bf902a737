import { exitOnStartFailure, runService } from '@sightline/service-kit';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';

const service = 'stream-gateway';
// loadConfig inside the chain so a bad variable is reported by exitOnStartFailure too.
Promise.resolve()
  .then(() => runService({ service, version: '0.1.0', config: loadConfig(), build: buildApp }))
  .catch(exitOnStartFailure(service));

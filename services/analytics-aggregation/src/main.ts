import { exitOnStartFailure, runService } from '@sightline/service-kit';
import { buildApp, VERSION } from './app.js';
import { loadConfig } from './config.js';
import { SERVICE } from './metrics.js';

// Inside the promise so a config error (naming the variable) goes through exitOnStartFailure too.
Promise.resolve()
  .then(() => runService({ service: SERVICE, version: VERSION, config: loadConfig(), build: buildApp }))
  .catch(exitOnStartFailure(SERVICE));

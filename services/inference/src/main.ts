import { exitOnStartFailure, runService } from '@sightline/service-kit';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';

const service = 'inference';

runService({ service, version: '0.1.0', config: loadConfig(), build: buildApp }).catch(
  exitOnStartFailure(service),
);

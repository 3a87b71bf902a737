import { exitOnStartFailure, runService } from '@sightline/service-kit';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';

const service = 'chat-llm';

async function main() {
  const config = loadConfig();
  await runService({ service, version: process.env.npm_package_version ?? '0.1.0', config, build: buildApp });
}

main().catch(exitOnStartFailure(service));

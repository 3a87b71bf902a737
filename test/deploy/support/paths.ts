import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const deployDir = join(repoRoot, 'deploy');
export const k8sDir = join(repoRoot, 'k8s');
export const servicesDir = join(repoRoot, 'services');

/** The five services: directory name, NATS user in deploy/nats/accounts.conf, k8s workload name. */
export const services = [
  { dir: 'stream-gateway', natsUser: 'gateway', port: 8080 },
  { dir: 'ingest', natsUser: 'ingest', port: 8081 },
  { dir: 'chat-llm', natsUser: 'chat', port: 8082 },
  { dir: 'inference', natsUser: 'inference', port: 8083 },
  { dir: 'analytics-aggregation', natsUser: 'analytics', port: 8084 },
] as const;

export type ServiceDir = (typeof services)[number]['dir'];

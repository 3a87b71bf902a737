import { collectDefaultMetrics, Registry } from 'prom-client';

/** One registry per service, with Node's default metrics prefixed by the service. */
export function createRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: 'sightline_' });
  return registry;
}

/** `sightline_<service>_...`: service names use underscores in metric names. */
export function metricPrefix(service: string): string {
  return `sightline_${service.replace(/-/g, '_')}_`;
}

export { Counter, Gauge, Histogram, type Registry } from 'prom-client';

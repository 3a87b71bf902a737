import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
// service-kit is not a root dependency: import its source, which resolves prom-client from there.
import { createRegistry } from '../../../packages/service-kit/src/metrics.js';
import { servicesDir } from './paths.js';

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return tsFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

const kindSuffixes: Record<string, string[]> = {
  Counter: [''],
  Gauge: [''],
  Histogram: ['_bucket', '_sum', '_count'],
  Summary: ['', '_sum', '_count'],
};

/**
 * Every series name the services export, read from their source: `new Counter|Gauge|Histogram|
 * Summary({ name: … })` with the name written as `${p}thing` (p = metricPrefix('<service>')) or
 * as a literal, plus service-kit's default process/Node.js metrics (asked from a real registry).
 */
export async function exportedMetricNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const service of readdirSync(servicesDir)) {
    const src = join(servicesDir, service, 'src');
    try {
      statSync(src);
    } catch {
      continue;
    }
    for (const file of tsFiles(src)) {
      const text = readFileSync(file, 'utf8');
      const prefixes = new Map<string, string>();
      for (const m of text.matchAll(/(\w+)\s*=\s*metricPrefix\(\s*(?:'([a-z-]+)'|(\w+))\s*\)/g)) {
        const literal = m[2] ?? text.match(new RegExp(`${m[3]}\\s*=\\s*'([a-z-]+)'`))?.[1] ?? service;
        prefixes.set(m[1]!, `sightline_${literal.replace(/-/g, '_')}_`);
      }
      for (const m of text.matchAll(
        /new\s+(Counter|Gauge|Histogram|Summary)\s*(?:<[^>]*>)?\(\s*\{\s*name:\s*(?:`\$\{(\w+)\}([a-z0-9_]+)`|'(sightline_[a-z0-9_]+)')/g,
      )) {
        const base = m[4] ?? `${prefixes.get(m[2]!) ?? `sightline_${service.replace(/-/g, '_')}_`}${m[3]}`;
        for (const suffix of kindSuffixes[m[1]!]!) names.add(`${base}${suffix}`);
      }
    }
  }
  const registry = createRegistry('probe');
  for (const metric of await registry.getMetricsAsJSON()) {
    const suffixes =
      String(metric.type) === 'histogram'
        ? kindSuffixes.Histogram!
        : String(metric.type) === 'summary'
          ? kindSuffixes.Summary!
          : [''];
    for (const suffix of suffixes) names.add(`${metric.name}${suffix}`);
  }
  return names;
}

/**
 * Series from prometheus-nats-exporter (-varz -connz -jsz=all), scraped beside the services
 * (deploy/prometheus/prometheus.yml, the NATS chart's promExporter); plus Prometheus's own `up`.
 */
export const natsExporterMetrics = new Set([
  'up',
  'gnatsd_varz_connections',
  'gnatsd_varz_slow_consumers',
  'jetstream_consumer_num_pending',
  'jetstream_consumer_num_ack_pending',
]);

const promqlWords = new Set([
  'sum',
  'by',
  'without',
  'rate',
  'irate',
  'increase',
  'deriv',
  'histogram_quantile',
  'max',
  'min',
  'avg',
  'count',
  'and',
  'or',
  'unless',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'topk',
  'bottomk',
  'abs',
  'clamp_min',
  'clamp_max',
  'le',
  'humanize',
  'humanizeDuration',
]);

/** Metric names a PromQL expression reads (label matchers, grouping labels and functions removed). */
export function metricsInExpr(expr: string): string[] {
  const stripped = expr
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/"[^"]*"/g, '');
  const names = stripped.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return names.filter((n) => !promqlWords.has(n) && !/^\d/.test(n) && !/^e\d+$/.test(n));
}

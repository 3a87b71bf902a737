import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseYamlDocs } from './support/manifests.js';
import { exportedMetricNames, metricsInExpr, natsExporterMetrics } from './support/metrics.js';
import { deployDir, k8sDir } from './support/paths.js';

const alertsPath = join(deployDir, 'prometheus/alerts.yml');
const alerts = parse(readFileSync(alertsPath, 'utf8')) as {
  groups: { rules: { alert: string; expr: string }[] }[];
};
const dashboardsDir = join(deployDir, 'grafana/dashboards');

function promtool(...args: string[]): string {
  return execFileSync('promtool', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

interface Panel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}
function dashboardExprs(): { where: string; expr: string }[] {
  return readdirSync(dashboardsDir).flatMap((file) => {
    const dashboard = JSON.parse(readFileSync(join(dashboardsDir, file), 'utf8')) as { panels: Panel[] };
    const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
    return panels.flatMap((p) =>
      (p.targets ?? []).map((t) => ({ where: `${file}: ${p.title}`, expr: t.expr ?? '' })),
    );
  });
}

describe('Prometheus rules and config', () => {
  it('pass promtool check rules', () => {
    expect(promtool('check', 'rules', alertsPath)).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('alert on a service down, consumer lag growing, frames dropped, SSE delivery p99 and NATS slow consumers', () => {
    const exprs = alerts.groups.flatMap((g) => g.rules.map((r) => r.expr)).join('\n');
    for (const metric of [
      'up',
      'jetstream_consumer_num_pending',
      'sightline_inference_frames_dropped_total',
      'sightline_stream_gateway_delivery_latency_seconds_bucket',
      'gnatsd_varz_slow_consumers',
    ]) {
      expect(metricsInExpr(exprs)).toContain(metric);
    }
  });

  it('are the same rules in the Prometheus Operator PrometheusRule, which promtool accepts too', () => {
    const [rule] = parseYamlDocs(
      readFileSync(join(k8sDir, 'base/monitoring/prometheus-rule.yaml'), 'utf8'),
      'prometheus-rule',
    );
    expect(rule!.spec.groups).toEqual(alerts.groups);
    const file = join(mkdtempSync(join(tmpdir(), 'sightline-rules-')), 'rules.yml');
    writeFileSync(file, stringify({ groups: rule!.spec.groups }));
    expect(promtool('check', 'rules', file)).toMatch(/SUCCESS/);
  });

  it('the compose scrape config passes promtool check config and scrapes each service on its port', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sightline-prom-'));
    const config = readFileSync(join(deployDir, 'prometheus/prometheus.yml'), 'utf8').replace(
      '/etc/prometheus/alerts.yml',
      alertsPath,
    );
    writeFileSync(join(dir, 'prometheus.yml'), config);
    expect(promtool('check', 'config', join(dir, 'prometheus.yml'))).toMatch(/SUCCESS/);
    const jobs = (
      parse(config) as { scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] }
    ).scrape_configs;
    expect(Object.fromEntries(jobs.map((j) => [j.job_name, j.static_configs[0]!.targets[0]]))).toMatchObject({
      'sightline-stream-gateway': 'stream-gateway:8080',
      'sightline-ingest': 'ingest:8081',
      'sightline-chat-llm': 'chat-llm:8082',
      'sightline-inference': 'inference:8083',
      'sightline-analytics-aggregation': 'analytics-aggregation:8084',
    });
  });
});

describe('Grafana dashboards and alert rules read only metrics that exist', () => {
  let exported: Set<string>;
  beforeAll(async () => {
    exported = await exportedMetricNames();
  });

  it('finds the services metrics in their source', () => {
    expect(exported).toContain('sightline_ingest_frames_published_total');
    expect(exported).toContain('sightline_inference_stage_seconds_bucket');
    expect(exported).toContain('sightline_process_cpu_seconds_total');
  });

  it('cover throughput, stage latencies, drops by reason, consumer lag and connections', () => {
    const all = dashboardExprs()
      .map((e) => e.expr)
      .join('\n');
    expect(all).toMatch(/rate\(sightline_ingest_frames_published_total/);
    expect(all).toMatch(/sightline_inference_stage_seconds_bucket/);
    expect(all).toMatch(/by \(reason\) \(rate\(sightline_inference_frames_dropped_total/);
    expect(all).toMatch(/jetstream_consumer_num_pending/);
    expect(all).toMatch(/sightline_stream_gateway_connections/);
  });

  it('query nothing the services or the NATS exporter do not export', () => {
    const sources = [
      ...dashboardExprs(),
      ...alerts.groups.flatMap((g) => g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }))),
    ];
    expect(sources.length).toBeGreaterThan(20);
    const unknown = sources.flatMap(({ where, expr }) =>
      metricsInExpr(expr)
        .filter((name) => !exported.has(name) && !natsExporterMetrics.has(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });
});

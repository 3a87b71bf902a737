import type { Registry } from '@sightline/service-kit';

/** Sum of a metric's samples whose labels include `labels` (e.g. a histogram's `_sum`). */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
  sample = name,
): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  if (!metric) throw new Error(`no metric ${name}`);
  let total = 0;
  for (const v of metric.values as {
    value: number;
    labels: Record<string, unknown>;
    metricName?: string;
  }[]) {
    if ((v.metricName ?? name) !== sample) continue;
    if (Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want)) total += v.value;
  }
  return total;
}

import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are checked field by field in the tests.
export type K8sObject = Record<string, any> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
};

/** `kubectl kustomize <dir>` (kustomize built into kubectl), parsed. */
export function kustomize(dir: string): K8sObject[] {
  const out = execFileSync('kubectl', ['kustomize', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return parseYamlDocs(out, dir);
}

export function parseYamlDocs(text: string, where: string): K8sObject[] {
  const docs = parseAllDocuments(text);
  const objects: K8sObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${where}: ${doc.errors[0]!.message}`);
    const value = doc.toJS();
    if (value) objects.push(value as K8sObject);
  }
  return objects;
}

export const workloadKinds = new Set(['Deployment', 'StatefulSet']);
export const workloads = (objects: K8sObject[]) => objects.filter((o) => workloadKinds.has(o.kind));

export function byKind(objects: K8sObject[], kind: string, name?: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
}

export function matchesSelector(
  labels: Record<string, string> = {},
  selector: Record<string, string> = {},
): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** A label selector with matchLabels and matchExpressions (In/NotIn/Exists/DoesNotExist). */
export function matchesLabelSelector(
  labels: Record<string, string> = {},
  selector: {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
  } = {},
): boolean {
  if (!matchesSelector(labels, selector.matchLabels)) return false;
  return (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    if (operator === 'In') return values.includes(labels[key]!);
    if (operator === 'NotIn') return !values.includes(labels[key]!);
    if (operator === 'Exists') return key in labels;
    if (operator === 'DoesNotExist') return !(key in labels);
    throw new Error(`unknown selector operator ${operator}`);
  });
}

/**
 * The environment a container starts with: literal values, ConfigMap keys (env and envFrom, from
 * the same render), placeholders for Secrets and the downward API, and what its command exports.
 */
export function containerEnv(objects: K8sObject[], container: K8sObject): Record<string, string> {
  const configMap = (name: string): Record<string, string> => {
    const found = byKind(objects, 'ConfigMap', name)[0];
    if (!found) throw new Error(`ConfigMap ${name} is referenced but not rendered`);
    return found.data ?? {};
  };
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, configMap(source.configMapRef.name));
    if (source.secretRef)
      throw new Error('envFrom a whole Secret hides which variables are set; use secretKeyRef');
  }
  for (const entry of container.env ?? []) {
    if ('value' in entry) env[entry.name] = String(entry.value);
    else if (entry.valueFrom?.configMapKeyRef) {
      const value = configMap(entry.valueFrom.configMapKeyRef.name)[entry.valueFrom.configMapKeyRef.key];
      if (value === undefined)
        throw new Error(`${entry.name}: key ${entry.valueFrom.configMapKeyRef.key} missing`);
      env[entry.name] = value;
    } else if (entry.valueFrom?.secretKeyRef) env[entry.name] = 'secret-from-cluster';
    else if (entry.valueFrom?.fieldRef) env[entry.name] = 'pod-name-0';
  }
  const script = (container.command ?? []).join(' ');
  for (const m of script.matchAll(/export ([A-Z0-9_]+)="\$\{HOSTNAME##\*-\}"/g)) env[m[1]!] = '0';
  return env;
}

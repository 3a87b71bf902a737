import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { consumers, streams } from '@sightline/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  byKind,
  containerEnv,
  type K8sObject,
  kustomize,
  matchesLabelSelector,
  matchesSelector,
  parseYamlDocs,
  workloads,
} from './support/manifests.js';
import { deployDir, k8sDir, repoRoot, services } from './support/paths.js';
import { requiredVars, serviceConfig } from './support/service-config.js';

const overlays = ['base', 'overlays/dev', 'overlays/prod'];

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(name) ? [full] : [];
  });
}

describe('every YAML file under deploy/ and k8s/', () => {
  const files = [...yamlFiles(deployDir), ...yamlFiles(k8sDir)];
  it('exists', () => expect(files.length).toBeGreaterThan(20));
  it.each(files.map((f) => relative(repoRoot, f)))('%s parses', (file) => {
    expect(parseYamlDocs(readFileSync(join(repoRoot, file), 'utf8'), file).length).toBeGreaterThan(0);
  });
});

describe.each(overlays)('k8s/%s', (overlay) => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = kustomize(join(k8sDir, overlay));
  });

  it('renders with kubectl kustomize, with one workload per service', () => {
    expect(
      workloads(objects)
        .map((w) => w.metadata.name)
        .sort(),
    ).toEqual(services.map((s) => s.dir).sort());
    expect(byKind(objects, 'StatefulSet').map((w) => w.metadata.name)).toEqual(['analytics-aggregation']);
  });

  it('gives every container probes on /healthz and /readyz, resources, and a locked-down securityContext', () => {
    for (const workload of workloads(objects)) {
      const pod = workload.spec.template.spec;
      expect(pod.securityContext, workload.metadata.name).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const c of pod.containers) {
        const where = `${workload.metadata.name}/${c.name}`;
        expect(c.livenessProbe?.httpGet, where).toMatchObject({ path: '/healthz', port: 'http' });
        expect(c.readinessProbe?.httpGet, where).toMatchObject({ path: '/readyz', port: 'http' });
        for (const kind of ['requests', 'limits']) {
          expect(Object.keys(c.resources?.[kind] ?? {}).sort(), `${where} ${kind}`).toEqual([
            'cpu',
            'memory',
          ]);
        }
        expect(c.securityContext, where).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(c.securityContext.privileged ?? false, where).toBe(false);
      }
    }
  });

  it('waits preStop + SHUTDOWN_TIMEOUT_MS (+ a margin under 15 s) before killing a pod', () => {
    for (const workload of workloads(objects)) {
      const pod = workload.spec.template.spec;
      const c = pod.containers[0];
      const sleep = Number(c.lifecycle?.preStop?.exec?.command?.at(-1));
      const shutdownMs = Number(containerEnv(objects, c).SHUTDOWN_TIMEOUT_MS);
      expect(sleep, workload.metadata.name).toBeGreaterThan(0);
      expect(shutdownMs, workload.metadata.name).toBeGreaterThan(0);
      const needed = sleep + shutdownMs / 1000;
      expect(pod.terminationGracePeriodSeconds, workload.metadata.name).toBeGreaterThanOrEqual(needed);
      expect(pod.terminationGracePeriodSeconds, workload.metadata.name).toBeLessThanOrEqual(needed + 15);
    }
  });

  it('spreads every workload over zones and nodes and covers it with a PodDisruptionBudget', () => {
    for (const workload of workloads(objects)) {
      const labels = workload.spec.template.metadata.labels;
      const keys = workload.spec.template.spec.topologySpreadConstraints.map(
        (t: { topologyKey: string }) => t.topologyKey,
      );
      expect(keys.sort(), workload.metadata.name).toEqual([
        'kubernetes.io/hostname',
        'topology.kubernetes.io/zone',
      ]);
      const pdbs = byKind(objects, 'PodDisruptionBudget').filter((p) =>
        matchesLabelSelector(labels, p.spec.selector),
      );
      expect(pdbs.length, workload.metadata.name).toBe(1);
    }
  });

  it('has every Service select pods that exist, on a port they declare', () => {
    for (const service of byKind(objects, 'Service')) {
      const selected = workloads(objects).filter((w) =>
        matchesSelector(w.spec.template.metadata.labels, service.spec.selector),
      );
      expect(selected.length, service.metadata.name).toBe(1);
      const ports = selected[0]!.spec.template.spec.containers.flatMap((c: K8sObject) => c.ports ?? []);
      for (const port of service.spec.ports) {
        expect(
          ports.some(
            (p: { name: string; containerPort: number }) =>
              p.name === port.targetPort || p.containerPort === port.targetPort,
          ),
          `${service.metadata.name}:${port.targetPort}`,
        ).toBe(true);
      }
    }
  });

  it.each(services.map((s) => s.dir))(
    'sets every variable %s requires, and its config loads from the rendered env',
    async (dir) => {
      const workload = workloads(objects).find((w) => w.metadata.name === dir)!;
      const container = workload.spec.template.spec.containers.find((c: K8sObject) => c.name === dir);
      const env = containerEnv(objects, container);
      const { schema, loadConfig } = await serviceConfig(dir);
      for (const name of requiredVars(schema)) expect(env, `${dir} needs ${name}`).toHaveProperty(name);
      // A variable the service does not read is a typo or a leftover.
      expect(Object.keys(env).filter((name) => !(name in schema.properties))).toEqual([]);
      expect(() => loadConfig(env)).not.toThrow();
      expect(Number(env.PORT)).toBe(services.find((s) => s.dir === dir)!.port);
    },
  );

  it('runs analytics-aggregation with ANALYTICS_REPLICAS equal to its replicas, never under an autoscaler', () => {
    const sts = byKind(objects, 'StatefulSet', 'analytics-aggregation')[0]!;
    const env = containerEnv(objects, sts.spec.template.spec.containers[0]);
    expect(Number(env.ANALYTICS_REPLICAS)).toBe(sts.spec.replicas);
    expect(sts.spec.template.spec.containers[0].command.join(' ')).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion in the pod's command
      'ANALYTICS_ORDINAL="${HOSTNAME##*-}"',
    );
    const targets = [...byKind(objects, 'HorizontalPodAutoscaler'), ...byKind(objects, 'ScaledObject')].map(
      (h) => h.spec.scaleTargetRef.name,
    );
    expect(targets).not.toContain('analytics-aggregation');
  });

  it('autoscales ingest, chat-llm and stream-gateway by HPA and inference by KEDA on the inference consumer of FRAMES', () => {
    const hpas = byKind(objects, 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.spec.scaleTargetRef.name).sort()).toEqual([
      'chat-llm',
      'ingest',
      'stream-gateway',
    ]);
    for (const hpa of hpas) {
      const target = workloads(objects).find(
        (w) => w.kind === hpa.spec.scaleTargetRef.kind && w.metadata.name === hpa.spec.scaleTargetRef.name,
      );
      expect(target, hpa.metadata.name).toBeDefined();
      expect(hpa.spec.metrics.some((m: K8sObject) => m.resource?.name === 'cpu')).toBe(true);
    }
    const gateway = hpas.find((h) => h.metadata.name === 'stream-gateway')!;
    expect(gateway.spec.metrics.map((m: K8sObject) => m.pods?.metric?.name).filter(Boolean)).toEqual([
      'sightline_stream_gateway_connections',
    ]);
    const [scaled] = byKind(objects, 'ScaledObject');
    expect(scaled!.spec.scaleTargetRef.name).toBe('inference');
    expect(scaled!.spec.triggers[0]).toMatchObject({
      type: 'nats-jetstream',
      metadata: { account: 'SIGHTLINE', stream: streams.frames.name, consumer: consumers.inference.durable },
    });
  });

  it('lets only ingest, chat-llm and stream-gateway be reached from the ingress controller, after a default deny', () => {
    const policies = byKind(objects, 'NetworkPolicy');
    const deny = policies.find((p) => Object.keys(p.spec.podSelector).length === 0);
    expect(deny?.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
    expect(deny?.spec.ingress ?? []).toEqual([]);
    const fromController = policies.filter((p) =>
      (p.spec.ingress ?? []).some((rule: K8sObject) =>
        (rule.from ?? []).some(
          (peer: K8sObject) =>
            peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'ingress-nginx',
        ),
      ),
    );
    const reachable = workloads(objects)
      .filter((w) =>
        fromController.some((p) => matchesLabelSelector(w.spec.template.metadata.labels, p.spec.podSelector)),
      )
      .map((w) => w.metadata.name)
      .sort();
    expect(reachable).toEqual(['chat-llm', 'ingest', 'stream-gateway']);
    // Every other ingress rule admits only Prometheus's namespace.
    for (const policy of policies.filter((p) => !fromController.includes(p))) {
      for (const rule of policy.spec.ingress ?? []) {
        expect(
          rule.from.map(
            (peer: K8sObject) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'],
          ),
        ).toEqual(['monitoring']);
      }
    }
    // inference and analytics reach NATS and DNS only: no policy opens other egress for them.
    for (const name of ['inference', 'analytics-aggregation']) {
      const labels = workloads(objects).find((w) => w.metadata.name === name)!.spec.template.metadata.labels;
      const egressTargets = policies
        .filter((p) => p.spec.egress && matchesLabelSelector(labels, p.spec.podSelector))
        .flatMap((p) => p.spec.egress.flatMap((rule: K8sObject) => rule.to ?? []));
      expect(
        egressTargets.every((peer: K8sObject) => peer.namespaceSelector && !peer.ipBlock),
        name,
      ).toBe(true);
    }
  });

  it('monitors every workload with a ServiceMonitor or PodMonitor', () => {
    const monitored = workloads(objects).filter((w) => {
      const labels = w.spec.template.metadata.labels;
      const viaPod = byKind(objects, 'PodMonitor').some((m) => matchesLabelSelector(labels, m.spec.selector));
      const viaService = byKind(objects, 'ServiceMonitor').some((m) =>
        byKind(objects, 'Service').some(
          (s) =>
            matchesLabelSelector(s.metadata.labels, m.spec.selector) &&
            matchesSelector(labels, s.spec.selector),
        ),
      );
      return viaPod || viaService;
    });
    expect(monitored.map((w) => w.metadata.name).sort()).toEqual(services.map((s) => s.dir).sort());
  });

  it('keeps secrets out of the manifests', () => {
    expect(byKind(objects, 'Secret')).toEqual([]);
    for (const workload of workloads(objects)) {
      for (const entry of workload.spec.template.spec.containers[0].env ?? []) {
        if (/PASS|KEY|TOKEN|SECRET/.test(entry.name))
          expect(entry.valueFrom?.secretKeyRef, entry.name).toBeDefined();
      }
    }
  });
});

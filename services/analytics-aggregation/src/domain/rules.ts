import type { SceneRule } from '@sightline/contracts';

export interface AlertTransition {
  ruleId: string;
  state: 'firing' | 'resolved';
  severity: 'info' | 'warning' | 'critical';
  value: number;
  at: number;
  message: string;
}

interface RuleState {
  /** When the condition started to hold, while not yet firing. */
  pendingSince?: number;
  firing: boolean;
  cooldownUntil: number;
}

/**
 * Rules on metrics with hysteresis and cooldown: a rule fires once its condition has held for
 * `forMs`, resolves only when the value is back past `clearThreshold` (default: the threshold),
 * and cannot fire again until `cooldownMs` after it resolved.
 */
export class RuleEngine {
  private readonly states = new Map<string, RuleState>();

  constructor(private readonly rules: readonly SceneRule[]) {}

  evaluate(metricOf: (rule: SceneRule) => number | undefined, at: number): AlertTransition[] {
    const out: AlertTransition[] = [];
    for (const rule of this.rules) {
      const value = metricOf(rule);
      if (value === undefined) continue;
      const state = this.stateOf(rule.id);
      const transition = step(rule, state, value, at);
      if (transition) out.push(transition);
    }
    return out;
  }

  private stateOf(id: string): RuleState {
    let state = this.states.get(id);
    if (!state) {
      state = { firing: false, cooldownUntil: 0 };
      this.states.set(id, state);
    }
    return state;
  }
}

function step(rule: SceneRule, state: RuleState, value: number, at: number): AlertTransition | undefined {
  const above = (rule.op ?? '>') === '>';
  const holds = above ? value > rule.threshold : value < rule.threshold;
  const clear = rule.clearThreshold ?? rule.threshold;
  const cleared = above ? value <= clear : value >= clear;
  const severity = rule.severity ?? 'warning';
  if (state.firing) {
    if (!cleared) return undefined;
    state.firing = false;
    state.cooldownUntil = at + (rule.cooldownMs ?? 60_000);
    return {
      ruleId: rule.id,
      state: 'resolved',
      severity,
      value,
      at,
      message: describe(rule, value, 'resolved'),
    };
  }
  if (!holds || at < state.cooldownUntil) {
    state.pendingSince = undefined;
    return undefined;
  }
  state.pendingSince ??= at;
  if (at - state.pendingSince < (rule.forMs ?? 0)) return undefined;
  state.firing = true;
  state.pendingSince = undefined;
  return { ruleId: rule.id, state: 'firing', severity, value, at, message: describe(rule, value, 'firing') };
}

function describe(rule: SceneRule, value: number, state: string): string {
  const target = rule.target ? ` on ${rule.target}` : '';
  return `${rule.metric}${target} ${rule.op ?? '>'} ${rule.threshold}: ${state} at ${Math.round(value * 100) / 100}`;
}

import type { TObject } from '@sinclair/typebox';
import type { AnalyticsPort, DeviceInfo, EventsPort } from '../ports.js';
import type { TimeFormatter } from '../time-format.js';

/** Everything a tool may use during one turn; scoped to the caller's tenant and chat devices. */
export interface ToolContext {
  tenantId: string;
  /** The devices this chat may see (the chat's deviceIds, or all of the tenant's). */
  devices: DeviceInfo[];
  now: number;
  time: TimeFormatter;
  analytics: AnalyticsPort;
  events: EventsPort;
  signal?: AbortSignal;
}

export interface Tool {
  name: string;
  /** Shown to the model: what the tool answers and which numbers it returns. */
  description: string;
  /** JSON schema of the arguments (TypeBox objects are plain JSON schema). */
  parameters: TObject;
  run(ctx: ToolContext, args: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** One call made during a turn, kept for the grounding check and the provider's next round. */
export interface ToolCallRecord {
  name: string;
  args: Record<string, unknown>;
  result: Record<string, unknown>;
}

export class ToolArgumentError extends Error {
  override name = 'ToolArgumentError';
}

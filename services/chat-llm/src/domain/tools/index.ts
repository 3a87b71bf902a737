import { busiestHourTool } from './busiest-hour.js';
import { compareDevicesTool } from './compare-devices.js';
import { compareZonesTool } from './compare-zones.js';
import { countsNowTool } from './counts-now.js';
import { metricsRangeTool } from './metrics-range.js';
import { queueStatusTool } from './queue-status.js';
import { recentEventsTool } from './recent-events.js';
import type { Tool } from './tool.js';

export const allTools: readonly Tool[] = [
  countsNowTool,
  queueStatusTool,
  metricsRangeTool,
  busiestHourTool,
  compareDevicesTool,
  compareZonesTool,
  recentEventsTool,
];

export { ToolRunner } from './runner.js';
export { type Tool, ToolArgumentError, type ToolCallRecord, type ToolContext } from './tool.js';

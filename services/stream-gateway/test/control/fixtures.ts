import {
  type AnalyticEvent,
  analyticEventId,
  analyticIds,
  type Rollup,
  subjects,
} from '@sightline/contracts';
import { type JetStreamClient, publishJson } from '@sightline/nats';

/** A seed 004 SL-ALERT event as analytics-aggregation publishes it (pipeline_data is an Alert). */
export function alertEvent(
  tenantId: string,
  deviceId: string,
  o: { ruleId: string; severity: 'info' | 'warning' | 'critical'; state: 'firing' | 'resolved'; at: number },
): AnalyticEvent {
  const id = analyticEventId(Math.floor(o.at / 1000), tenantId, deviceId, o.ruleId, o.state, String(o.at));
  return {
    analytic_id: analyticIds.alert,
    event_id: id,
    timestamp: String(Math.floor(o.at / 1000)),
    stream_id: deviceId,
    stream_address: '',
    node_num: 0,
    pipeline_data: {
      alertId: id,
      tenantId,
      deviceId,
      ruleId: o.ruleId,
      severity: o.severity,
      state: o.state,
      message: `${o.ruleId} ${o.state}`,
      value: 9,
      at: o.at,
      geometryVersion: 1,
    },
  };
}

export async function publishEvent(
  js: JetStreamClient,
  tenantId: string,
  deviceId: string,
  e: AnalyticEvent,
) {
  await publishJson(js, subjects.events(tenantId, deviceId, e.analytic_id), e, { msgId: e.event_id });
}

export function rollup(
  tenantId: string,
  deviceId: string,
  minute: number,
  person: number,
  frames = 60,
): Rollup {
  return {
    tenantId,
    deviceId,
    minute,
    frames,
    countsMean: { person },
    countsMax: { person: Math.ceil(person) },
    crossingsIn: { door: 1 },
    geometryVersion: 1,
  };
}

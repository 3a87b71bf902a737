import type { Device, Scene, SceneLine, SceneZone } from '@sightline/contracts';

export type { AnalysisResult, Device, Scene, SceneLine, SceneZone } from '@sightline/contracts';

/** Seed 002 camera WebSocket message. */
export interface FrameData {
  frame: string;
  timestamp: number;
  camera_id: string;
  detections?: Array<{ class: string; confidence: number; bbox: [number, number, number, number] }>;
}

/** Seed 004 analytic event as the events socket sends it. */
export interface AnalyticEventMessage {
  analytic_id: string;
  event_id: string;
  timestamp: string;
  stream_id: string;
  stream_address?: string;
  pipeline_data: Record<string, unknown>;
}

export type DeviceSummary = Pick<Device, 'deviceId' | 'name' | 'labels' | 'detectFps' | 'privacyMode'>;

/** The part of a scene the editor changes; the rest is sent back untouched. */
export type SceneGeometry = Pick<Scene, 'zones' | 'lines' | 'version'>;
export type Zone = SceneZone;
export type Line = SceneLine;

/** Lists come back as a bare array or wrapped in an object; accept both. */
export function listOf<T>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body as T[];
  const wrapped = (body as Record<string, unknown> | null)?.[key];
  return Array.isArray(wrapped) ? (wrapped as T[]) : [];
}

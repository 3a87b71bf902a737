import { Type } from '@sinclair/typebox';

/** Request schemas shared by the control-plane routes: every object is closed. */
export const strict = { additionalProperties: false } as const;

export const IdParam = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
export const DeviceParams = Type.Object({ id: IdParam }, strict);
export const IdParams = DeviceParams;
export const NoQuery = Type.Object({}, strict);

export const Label = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
/** Pull sources: RTSP or HTTP(S) (MJPEG/HLS); nothing that reads local files. */
export const SourceUrl = Type.String({ maxLength: 2048, pattern: '^(rtsps?|https?)://[^\\s]+$' });

export const DeviceCreateBody = Type.Object(
  {
    deviceId: Type.Optional(IdParam),
    name: Type.String({ minLength: 1, maxLength: 128 }),
    labels: Type.Optional(Type.Array(Label, { maxItems: 32, uniqueItems: true })),
    sourceUrl: Type.Optional(SourceUrl),
    detectFps: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 60 })),
    privacyMode: Type.Optional(Type.Boolean()),
  },
  strict,
);

export const DevicePatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    labels: Type.Optional(Type.Array(Label, { maxItems: 32, uniqueItems: true })),
    sourceUrl: Type.Optional(Type.Union([SourceUrl, Type.Null()])),
    detectFps: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 60 })),
    privacyMode: Type.Optional(Type.Boolean()),
  },
  { ...strict, minProperties: 1 },
);

export const PageQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    cursor: Type.Optional(IdParam),
    label: Type.Optional(Label),
  },
  strict,
);

import { authenticate, type Principal, presentedKey, requireDevice } from '@sightline/auth';
import { ApiError, type Device } from '@sightline/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IngestContext } from '../context.js';
import { WsFrameSession } from './ws-session.js';

const AUTH_TIMEOUT_MS = 5000;
/** Close codes: 1008 policy violation for auth failures (the JSON error says which). */
const POLICY_VIOLATION = 1008;

type Authorized = { principal: Principal; device: Device };
const WS_SCOPES = ['frames:write'] as const;

async function withDevice(ctx: IngestContext, principal: Principal, deviceId: string): Promise<Authorized> {
  return { principal, device: await requireDevice(ctx.control, principal, deviceId) };
}

/** By an API key: the upgrade's header, or (`key` given) the first message's. */
async function authorize(
  ctx: IngestContext,
  request: FastifyRequest,
  key: string | undefined,
  deviceId: string,
): Promise<Authorized> {
  return withDevice(ctx, await authenticate(ctx.control, request, WS_SCOPES, key), deviceId);
}

/**
 * The upgrade's own credential: a header key first, else the session cookie. A cookie also needs
 * an allowed Origin even though this is a GET: browsers attach cookies to cross-site WebSocket
 * handshakes too (CSWSH). Undefined when there is neither: the first message must then carry a key.
 */
async function authorizeUpgrade(
  ctx: IngestContext,
  request: FastifyRequest,
  deviceId: string,
): Promise<Authorized | undefined> {
  if (presentedKey(request) !== undefined) return authorize(ctx, request, undefined, deviceId);
  if (ctx.auth.sessionIdOf(request) === undefined) return undefined;
  const principal = await ctx.auth.bySession(request, WS_SCOPES, { checkOrigin: true });
  return withDevice(ctx, principal, deviceId);
}

/** The key of a first message `{"type":"auth","apiKey":…}`, or undefined. */
function authMessageKey(data: Buffer, isBinary: boolean): string | undefined {
  if (isBinary) return undefined;
  try {
    const msg = JSON.parse(data.toString('utf8')) as { type?: unknown; apiKey?: unknown };
    return msg.type === 'auth' && typeof msg.apiKey === 'string' ? msg.apiKey : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `GET /api/v1/devices/:id/frames/ws`: a camera pushes frames over one socket. A key in the
 * upgrade's headers, or else the dashboard's session cookie (with its Origin), is checked before
 * the upgrade (HTTP 401/403/404); otherwise the first message must be `{"type":"auth","apiKey":…}`.
 */
export async function wsFrameRoutes(app: FastifyInstance, ctx: IngestContext): Promise<void> {
  const byUpgrade = new WeakMap<FastifyRequest, Authorized>();
  app.get(
    '/api/v1/devices/:id/frames/ws',
    {
      websocket: true,
      config: { source: 'ws' },
      onRequest: async (request) => {
        const upgrade = await authorizeUpgrade(ctx, request, (request.params as { id: string }).id);
        if (upgrade) byUpgrade.set(request, upgrade);
      },
    },
    (socket, request) => {
      ctx.metrics.wsConnections.inc();
      socket.once('close', () => ctx.metrics.wsConnections.dec());
      const deviceId = (request.params as { id: string }).id;
      let session: WsFrameSession | undefined;
      // Frames that arrive while the first-message key is being checked wait here, in order.
      const early: [Buffer, boolean][] = [];
      let authStarted = false;
      const open = (auth: Authorized) => {
        session = new WsFrameSession(ctx, socket, auth.principal, auth.device);
        session.send({ type: 'ready', deviceId });
        for (const [data, isBinary] of early.splice(0)) session.onMessage(data, isBinary);
      };
      const refuse = (err: unknown) => {
        const code = err instanceof ApiError ? err.code : 'internal';
        ctx.metrics.rejected.inc({ source: 'ws', reason: code });
        socket.send(JSON.stringify({ type: 'error', code, message: (err as Error).message }));
        socket.close(POLICY_VIOLATION, code);
      };
      const timer = setTimeout(
        () => session || refuse(new ApiError('unauthorized', 'no auth message in time')),
        AUTH_TIMEOUT_MS,
      );
      socket.once('close', () => clearTimeout(timer));
      socket.on('message', (data: Buffer, isBinary: boolean) => {
        if (session) return session.onMessage(data, isBinary);
        if (authStarted) return void early.push([data, isBinary]);
        authStarted = true;
        authorize(ctx, request, authMessageKey(data, isBinary) ?? '', deviceId).then(open, refuse);
      });
      const fromUpgrade = byUpgrade.get(request);
      if (fromUpgrade) open(fromUpgrade);
    },
  );
}

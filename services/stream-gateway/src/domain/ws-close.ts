/**
 * WebSocket close codes the gateway uses (documented in the README). 4xxx mirror the HTTP status
 * of the same problem so clients can treat both alike.
 */
export const closeCodes = {
  normal: 1000,
  /** The replica is shutting down: reconnect (to another replica). */
  goingAway: 1001,
  /** A first message that is not `{"type":"auth","token":...}`. */
  policy: 1008,
  internal: 1011,
  /** The client read too slowly for a lossless stream (events); reconnect. */
  slowClient: 4000,
  badRequest: 4400,
  unauthorized: 4401,
  forbidden: 4403,
  notFound: 4404,
  /** No credential within WS_AUTH_TIMEOUT_MS of the upgrade. */
  authTimeout: 4408,
} as const;

export type CloseCode = (typeof closeCodes)[keyof typeof closeCodes];

const byStatus: Record<number, CloseCode> = {
  400: closeCodes.badRequest,
  401: closeCodes.unauthorized,
  403: closeCodes.forbidden,
  404: closeCodes.notFound,
};

export function closeCodeOfStatus(status: number): CloseCode {
  return byStatus[status] ?? closeCodes.internal;
}

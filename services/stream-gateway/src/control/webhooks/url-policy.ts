import { isIP } from 'node:net';

const PRIVATE_V4 = [
  /^10\./,
  /^127\./,
  /^169\.254\./,
  /^192\.168\./,
  /^172\.(1[6-9]|2\d|3[01])\./,
  /^0\./,
  /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./,
];

/**
 * Why a webhook URL is refused (SSRF guard), or undefined. Production needs https and a public
 * host; `allowInsecure` (local stacks, tests) also allows http and loopback/private addresses.
 * Names that resolve to private addresses are not caught here (no DNS at registration).
 */
export function webhookUrlProblem(raw: string, allowInsecure: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url is not a valid URL';
  }
  if (url.username || url.password) return 'url must not carry credentials';
  if (url.protocol !== 'https:' && !(allowInsecure && url.protocol === 'http:')) return 'url must use https';
  if (allowInsecure) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal'))
    return 'url host is not public';
  const kind = isIP(host);
  if (kind === 4 && PRIVATE_V4.some((r) => r.test(host))) return 'url host is not public';
  if (kind === 6 && /^(::1?$|fc|fd|fe80|::ffff:)/i.test(host)) return 'url host is not public';
  return undefined;
}

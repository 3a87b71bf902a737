import type { Scope } from '@sightline/contracts';

/** Every control-plane route with the scopes documented for it (`admin` holds all). */
export interface RouteCase {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  scopes: Scope[];
  payload?: object;
}

export interface Ids {
  device: string;
  key: string;
  webhook: string;
}

const scene = {
  frame: { width: 100, height: 100 },
  zones: [
    {
      id: 'z',
      polygon: [
        [0, 0],
        [50, 0],
        [0, 50],
      ],
    },
  ],
};

export function routeCases(ids: Ids): RouteCase[] {
  const d = `/api/v1/devices/${ids.device}`;
  return [
    { method: 'GET', url: '/api/v1/devices', scopes: ['device:read'] },
    { method: 'POST', url: '/api/v1/devices', scopes: ['device:write'], payload: { name: 'n' } },
    { method: 'GET', url: d, scopes: ['device:read'] },
    { method: 'PATCH', url: d, scopes: ['device:write'], payload: { name: 'renamed' } },
    { method: 'GET', url: `${d}/scene`, scopes: ['device:read'] },
    { method: 'PUT', url: `${d}/scene`, scopes: ['device:write'], payload: scene },
    { method: 'GET', url: `${d}/metrics`, scopes: ['analytics:read', 'device:read'] },
    { method: 'GET', url: `${d}/heatmap`, scopes: ['analytics:read', 'device:read'] },
    { method: 'GET', url: `${d}/health`, scopes: ['device:read'] },
    { method: 'GET', url: '/api/v1/alerts', scopes: ['analytics:read', 'device:read'] },
    { method: 'GET', url: '/api/v1/keys', scopes: ['admin'] },
    { method: 'POST', url: '/api/v1/keys', scopes: ['admin'], payload: { scopes: ['device:read'] } },
    {
      method: 'POST',
      url: `/api/v1/keys/${ids.key}/rotate`,
      scopes: ['admin'],
      payload: { graceSeconds: 60 },
    },
    { method: 'GET', url: '/api/v1/webhooks', scopes: ['admin'] },
    {
      method: 'POST',
      url: '/api/v1/webhooks',
      scopes: ['admin'],
      payload: { url: 'https://hooks.example.com/x' },
    },
    { method: 'GET', url: `/api/v1/webhooks/${ids.webhook}/deliveries`, scopes: ['admin'] },
    { method: 'GET', url: '/api/v1/audit', scopes: ['admin'] },
    { method: 'POST', url: '/api/v1/tenants', scopes: ['admin'], payload: { name: 't' } },
    { method: 'DELETE', url: `/api/v1/webhooks/${ids.webhook}`, scopes: ['admin'] },
    { method: 'DELETE', url: `/api/v1/keys/${ids.key}`, scopes: ['admin'] },
    { method: 'DELETE', url: d, scopes: ['device:write'] },
  ];
}

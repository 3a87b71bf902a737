import { Writable } from 'node:stream';
import { ApiError } from '@sightline/contracts';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { ConfigError, createHttpServer, createLogger, createRegistry, loadEnv } from '../src/index.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, destination };
}

describe('loadEnv', () => {
  const schema = Type.Object({ PORT: Type.Integer({ minimum: 1, default: 8080 }), NAME: Type.String() });

  it('converts, defaults and freezes', () => {
    const cfg = loadEnv(schema, { NAME: 'x' });
    expect(cfg).toEqual({ PORT: 8080, NAME: 'x' });
    expect(Object.isFrozen(cfg)).toBe(true);
    expect(loadEnv(schema, { NAME: 'x', PORT: '9000' }).PORT).toBe(9000);
  });

  it('fails fast naming the variable', () => {
    expect(() => loadEnv(schema, { NAME: 'x', PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadEnv(schema, { NAME: 'x', PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadEnv(schema, {})).toThrow(/NAME/);
  });
});

describe('logger', () => {
  it('redacts credentials and carries service and version', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 'svc', version: '1.2.3', destination });
    log.info({ req: { headers: { authorization: 'Bearer sl_secret' } }, apiKey: 'sl_secret' }, 'hello');
    const line = JSON.parse(lines[0]!);
    expect(line.service).toBe('svc');
    expect(line.version).toBe('1.2.3');
    expect(lines[0]).not.toContain('sl_secret');
  });

  it('redacts session cookies in both directions', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 'svc', version: '1', destination });
    const cookie = 'sl_session=ss_cookievalue';
    log.info({ req: { headers: { cookie } }, res: { headers: { 'set-cookie': cookie } } }, 'a');
    log.info({ headers: { cookie, 'set-cookie': cookie }, sessionId: 'ss_cookievalue' }, 'b');
    log.info({ session: { sessionId: 'ss_cookievalue', cookie } }, 'c');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).not.toContain('ss_cookievalue');
  });
});

describe('http server', () => {
  it('serves health, readiness, metrics and JSON errors', async () => {
    const { destination } = capture();
    let ready = false;
    const app = createHttpServer({
      logger: createLogger({ service: 'svc', version: '0', destination }),
      registry: createRegistry('svc'),
      readiness: { checks: { nats: () => ready } },
    });
    app.get('/boom', async () => {
      throw new ApiError('forbidden', 'nope');
    });
    app.get('/crash', async () => {
      throw new Error('secret internals');
    });
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    const notReady = await app.inject('/readyz');
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json().failing).toEqual(['nats']);
    ready = true;
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    expect((await app.inject('/metrics')).body).toContain('sightline_process_cpu');
    expect((await app.inject('/boom')).json()).toEqual({ error: { code: 'forbidden', message: 'nope' } });
    const crash = await app.inject('/crash');
    expect(crash.statusCode).toBe(500);
    expect(crash.body).not.toContain('secret internals');
    const missing = await app.inject('/nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
    await app.close();
  });
});

describe('CORS', () => {
  const build = (corsOrigins?: string) => {
    const { destination } = capture();
    const app = createHttpServer({
      logger: createLogger({ service: 'svc', version: '0', destination }),
      registry: createRegistry('svc'),
      readiness: { checks: {} },
      corsOrigins,
    });
    app.get('/x', async () => ({ ok: true }));
    return app;
  };

  it('answers only the allowed origins, preflight included', async () => {
    const app = build('https://ops.example.com, https://wall.example.com/');
    const allowed = await app.inject({ url: '/x', headers: { origin: 'https://wall.example.com' } });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://wall.example.com');
    const other = await app.inject({ url: '/x', headers: { origin: 'https://evil.example.net' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/x',
      headers: {
        origin: 'https://ops.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('authorization');
    await app.close();
  });

  it('sends no CORS headers when no origin is configured', async () => {
    const app = build('');
    const res = await app.inject({ url: '/x', headers: { origin: 'https://ops.example.com' } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    await app.close();
  });
});

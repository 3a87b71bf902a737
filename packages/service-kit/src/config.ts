import { type Static, type TObject, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Validate the environment once, at start: defaults applied, strings converted to numbers and
 * booleans, and the first bad variable named in the error. The result is frozen.
 */
export function loadEnv<T extends TObject>(
  schema: T,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<Static<T>> {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    if (env[key] !== undefined && env[key] !== '') raw[key] = env[key];
  }
  const withDefaults = Value.Default(schema, Value.Convert(schema, raw));
  const errors = [...Value.Errors(schema, withDefaults)];
  if (errors.length > 0) {
    const first = errors[0]!;
    const name = first.path.replace(/^\//, '') || '(environment)';
    throw new ConfigError(
      `invalid environment variable ${name}: ${first.message} (got ${JSON.stringify(raw[name])})`,
    );
  }
  return Object.freeze(withDefaults as Static<T>);
}

/** Variables every service shares. */
export const BaseEnv = {
  NATS_URL: Type.String({ default: 'nats://127.0.0.1:4222' }),
  NATS_USER: Type.Optional(Type.String()),
  NATS_PASS: Type.Optional(Type.String()),
  HOST: Type.String({ default: '0.0.0.0' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  /** Comma-separated browser origins allowed cross-origin (public services); empty: none. */
  CORS_ORIGINS: Type.String({ default: '' }),
};

import { BaseEnv, loadEnv } from '@sightline/service-kit';
import { Type } from '@sinclair/typebox';

export const ChatEnv = Type.Object({
  ...BaseEnv,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8082 }),
  /** 'builtin': the analyst that needs no model; 'openai': any OpenAI-compatible endpoint. */
  CHAT_PROVIDER: Type.Union([Type.Literal('builtin'), Type.Literal('openai')], { default: 'builtin' }),
  OPENAI_BASE_URL: Type.String({ default: 'https://api.openai.com/v1' }),
  OPENAI_MODEL: Type.String({ default: 'gpt-4o-mini' }),
  OPENAI_API_KEY: Type.Optional(Type.String()),
  MAX_PROMPT_CHARS: Type.Integer({ minimum: 1, maximum: 100_000, default: 4000 }),
  MESSAGES_PER_MINUTE: Type.Integer({ minimum: 1, default: 20 }),
  MAX_CONCURRENT_STREAMS_PER_USER: Type.Integer({ minimum: 1, default: 3 }),
  /** Upstream model: no byte for this long (before or between chunks) fails the turn. */
  PROVIDER_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 30_000 }),
  /** Attempts of an upstream request that failed before its first chunk. */
  PROVIDER_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 10, default: 3 }),
  /** Timeout of one analytics query over NATS request/reply. */
  ANALYTICS_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 5000 }),
  /** IANA time zone in which answers state times, e.g. Asia/Taipei. */
  DISPLAY_TIMEZONE: Type.String({ default: 'UTC' }),
  /** Messages kept per chat in KV; older ones are dropped from the stored history. */
  MAX_HISTORY_MESSAGES: Type.Integer({ minimum: 2, default: 200 }),
  /**
   * The gateway's SESSION_COOKIE_SECURE, so chat reads the same cookie name (`__Host-sl_session`
   * when true, `sl_session` on a plain-http local stack).
   */
  SESSION_COOKIE_SECURE: Type.Boolean({ default: true }),
});

export type ChatConfig = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = loadEnv(ChatEnv, env);
  if (config.CHAT_PROVIDER === 'openai' && !/^https?:\/\//.test(config.OPENAI_BASE_URL)) {
    throw new Error(
      `invalid environment variable OPENAI_BASE_URL: not an http(s) URL (got "${config.OPENAI_BASE_URL}")`,
    );
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: config.DISPLAY_TIMEZONE });
  } catch {
    throw new Error(
      `invalid environment variable DISPLAY_TIMEZONE: unknown time zone "${config.DISPLAY_TIMEZONE}"`,
    );
  }
  return config;
}

import type { Principal } from '@sightline/auth';
import { ApiError, type Chat, type ChatStreamEvent } from '@sightline/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sseLine } from '../domain/sse.js';
import { runTurn } from '../domain/turn.js';
import type { HandlerContext } from './context.js';
import { publicMessage } from './public-error.js';

/** Abort reason of the turns still streaming when the service shuts down. */
export const SHUTTING_DOWN = new Error('service shutting down');

interface PostMessage {
  Params: { chatId: string };
}

/**
 * `POST /chats/:chatId/messages {prompt}` → seed 002 stream. Every check that can refuse the
 * message runs before the first byte, so refusals are JSON errors; once streaming, a failure
 * is the `error` event and the end of the stream.
 */
export function registerMessageRoutes(app: FastifyInstance, ctx: HandlerContext): void {
  app.post<PostMessage>('/chats/:chatId/messages', async (request, reply) => {
    const principal = await ctx.auth.authenticate(request, ['chat:write']);
    const prompt = readPrompt(ctx, request.body);
    const chat = await ctx.store.get(principal.tenantId, request.params.chatId);
    if (!chat) throw new ApiError('not_found', `chat ${request.params.chatId} not found`);
    const release = admit(ctx, principal);
    try {
      const history = [...chat.messages, { role: 'user' as const, content: prompt, at: Date.now() }];
      if (!(await ctx.store.append(chat.tenantId, chat.chatId, history.slice(-1)))) {
        throw new ApiError('not_found', `chat ${chat.chatId} not found`);
      }
      await stream(ctx, request, reply, chat, history);
    } finally {
      release();
    }
  });
}

function readPrompt(ctx: HandlerContext, body: unknown): string {
  const prompt = (body as { prompt?: unknown } | undefined)?.prompt;
  if (typeof prompt !== 'string' || prompt.trim() === '') {
    throw new ApiError('bad_request', 'body must be JSON {"prompt": "<your question>"}');
  }
  if (prompt.length > ctx.config.MAX_PROMPT_CHARS) {
    ctx.metrics.rejected.inc({ reason: 'prompt_too_large' });
    throw new ApiError(
      'payload_too_large',
      `prompt is ${prompt.length} characters; the limit is ${ctx.config.MAX_PROMPT_CHARS}`,
    );
  }
  return prompt;
}

/**
 * Open streams per user first (a refusal there costs no message), then messages per minute per
 * API key. Returns the stream slot's release.
 */
function admit(ctx: HandlerContext, principal: Principal): () => void {
  const release = ctx.streams.acquire(`${principal.tenantId}.${principal.owner}`);
  if (!release) {
    ctx.metrics.rejected.inc({ reason: 'too_many_streams' });
    throw new ApiError(
      'too_many_requests',
      `${ctx.config.MAX_CONCURRENT_STREAMS_PER_USER} answers are already streaming for this user; wait for one to finish`,
      { 'retry-after': '1' },
    );
  }
  const rate = ctx.rate.take(principal.keyId);
  if (!rate.ok) {
    release();
    ctx.metrics.rejected.inc({ reason: 'rate_limited' });
    throw new ApiError(
      'too_many_requests',
      `more than ${ctx.config.MESSAGES_PER_MINUTE} messages a minute with this key`,
      {
        'retry-after': String(rate.retryAfterSec),
      },
    );
  }
  return release;
}

async function stream(
  ctx: HandlerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  chat: Chat,
  history: Chat['messages'],
) {
  const started = process.hrtime.bigint();
  const provider = ctx.turn.provider.name;
  const res = reply.hijack().raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const abort = new AbortController();
  ctx.activeTurns.add(abort);
  // The client went away before we finished: stop the generation and any upstream request.
  res.on('close', () => {
    if (!res.writableEnded) abort.abort(new Error('client disconnected'));
  });
  const send = (event: ChatStreamEvent) => {
    if (!res.writableEnded && !res.destroyed) res.write(sseLine(event));
  };
  let first = true;
  ctx.metrics.activeStreams.inc();
  try {
    const devices = await chatDevices(ctx, chat);
    const record = await runTurn(ctx.turn, {
      tenantId: chat.tenantId,
      devices,
      history,
      prompt: history.at(-1)!.content,
      signal: abort.signal,
      emit: (text) => {
        if (first)
          ctx.metrics.firstChunk.observe({ provider }, Number(process.hrtime.bigint() - started) / 1e9);
        first = false;
        send({ type: 'chunk', text });
      },
    });
    if (abort.signal.aborted) throw abort.signal.reason;
    if (record.ungrounded.length > 0) {
      ctx.metrics.ungroundedNumbers.inc({ provider }, record.ungrounded.length);
      request.log.warn({ provider, ungrounded: record.ungrounded }, 'answer states numbers no tool returned');
    }
    await ctx.store.append(chat.tenantId, chat.chatId, [
      { role: 'assistant', content: record.answer, at: Date.now() },
    ]);
    send({ type: 'done' });
    ctx.metrics.turns.inc({ provider, outcome: 'done' });
    ctx.onTurn?.(record);
  } catch (err) {
    // A shutdown aborts too, but the client is still there and deserves the error event.
    const aborted = abort.signal.aborted && abort.signal.reason !== SHUTTING_DOWN;
    ctx.metrics.turns.inc({ provider, outcome: aborted ? 'aborted' : 'error' });
    if (abort.signal.reason === SHUTTING_DOWN) {
      send({ type: 'error', message: 'the service is restarting; please ask again' });
    } else if (!aborted) {
      request.log.warn({ err, chatId: chat.chatId }, 'answer failed mid-stream');
      send({ type: 'error', message: publicMessage(err) });
    }
  } finally {
    ctx.activeTurns.delete(abort);
    ctx.metrics.activeStreams.dec();
    res.end();
  }
}

/**
 * The devices a chat may talk about: those it names, else the tenant's devices with its label,
 * else every device of the tenant. Read at each turn, so a renamed or new device is seen.
 */
async function chatDevices(ctx: HandlerContext, chat: Chat) {
  const all = await ctx.directory.devices(chat.tenantId);
  if (chat.deviceIds.length > 0) return all.filter((d) => chat.deviceIds.includes(d.deviceId));
  if (chat.label) return all.filter((d) => d.labels.includes(chat.label!));
  return all;
}

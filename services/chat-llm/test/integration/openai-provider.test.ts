import { waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ungroundedNumbers } from '../../src/domain/grounding.js';
import { allTools } from '../../src/domain/tools/index.js';
import { loadMotSequence } from '../fixtures/mot-sequence.js';
import { atFrameRate, observe } from '../fixtures/observations.js';
import {
  chunk,
  DONE,
  OpenAiWireServer,
  streamHead,
  textStream,
  writeInPieces,
} from '../fixtures/openai-wire-server.js';
import { sendMessage } from '../fixtures/seed-client.js';
import { api, type Harness, startHarness } from './harness.js';

/**
 * The OpenAI-compatible provider against a local server speaking the real streaming wire format,
 * behind the real service, read by seed 002's client.
 */
let upstream: OpenAiWireServer;
let h: Harness;
let chatId: string;
const campus = loadMotSequence('TUD-Campus');

beforeAll(async () => {
  upstream = new OpenAiWireServer();
  const baseUrl = await upstream.start();
  h = await startHarness({
    CHAT_PROVIDER: 'openai',
    OPENAI_BASE_URL: baseUrl,
    OPENAI_MODEL: 'test-model',
    OPENAI_API_KEY: 'sk-test-secret',
    PROVIDER_TIMEOUT_MS: '1500',
    PROVIDER_MAX_ATTEMPTS: '3',
    MAX_CONCURRENT_STREAMS_PER_USER: '1',
    MESSAGES_PER_MINUTE: '1000',
  });
  const door = h.devices[0]!;
  h.responder.record(
    ...observe(
      campus,
      { tenantId: h.tenantId, deviceId: door.deviceId },
      atFrameRate(campus, Date.now() - 1000),
    ),
  );
  chatId = (await api(h, 'POST', '/chats', h.keys.writer, {})).body.chatId;
});
afterAll(async () => {
  await h?.stop();
  await upstream?.stop();
});

const ask = (prompt: string, init = {}) => sendMessage(h.url, h.keys.writer, chatId, prompt, init);

describe('OpenAI-compatible provider', () => {
  it('runs a tool-call round and streams the answer built from the tool result', async () => {
    const door = h.devices[0]!;
    const before = upstream.requests.length;
    // Round 1: the model asks for counts_now, its arguments split over three deltas.
    upstream.enqueue(async (_req, res) => {
      streamHead(res);
      const stream =
        chunk({
          role: 'assistant',
          content: null,
          tool_calls: [
            { index: 0, id: 'call_abc', type: 'function', function: { name: 'counts_now', arguments: '' } },
          ],
        }) +
        chunk({ tool_calls: [{ index: 0, function: { arguments: '{"device' } }] }) +
        chunk({ tool_calls: [{ index: 0, function: { arguments: `Ids":["${door.deviceId}"]}` } }] }) +
        chunk({}, 'tool_calls') +
        DONE;
      await writeInPieces(res, stream, 7);
      res.end();
    });
    // Round 2: the "model" reads the tool message it was sent and answers from it, in Chinese.
    upstream.enqueue(async (req, res) => {
      const toolMessage = req.body.messages.at(-1);
      const result = JSON.parse(toolMessage.content);
      const row = result.devices[0];
      streamHead(res);
      await writeInPieces(
        res,
        textStream(['現在', `${row.name}前有`, `${row.people}人`, `（資料時間：${row.dataTime}）。`]),
        5,
      );
      res.end();
    });

    const result = await ask('現在大門攝影機前有多少人？');
    expect(result.errors).toEqual([]);
    expect(result.finalized).toBe(true);
    const [row] = h.turns.at(-1)!.calls[0]!.result.devices as { people: number; dataTime: string }[];
    expect(row!.people).toBe(campus.peoplePerFrame.at(-1));
    expect(result.accumulatedContent).toBe(`現在大門前有${row!.people}人（資料時間：${row!.dataTime}）。`);
    expect(result.chunks.length).toBeGreaterThanOrEqual(4);
    expect(ungroundedNumbers(result.accumulatedContent, h.turns.at(-1)!.calls)).toEqual([]);

    const [first, second] = upstream.requests.slice(before);
    expect(first!.path).toBe('/v1/chat/completions');
    expect(first!.headers.authorization).toBe('Bearer sk-test-secret');
    expect(first!.body).toMatchObject({ model: 'test-model', stream: true });
    expect(first!.body.tools.map((t: { function: { name: string } }) => t.function.name)).toEqual(
      allTools.map((t) => t.name),
    );
    expect(first!.body.messages[0].role).toBe('system');
    expect(first!.body.messages.at(-1)).toEqual({ role: 'user', content: '現在大門攝影機前有多少人？' });
    expect(second!.body.messages.slice(-2)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_abc',
            type: 'function',
            function: { name: 'counts_now', arguments: `{"deviceIds":["${door.deviceId}"]}` },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_abc', content: expect.stringContaining(`"people":${row!.people}`) },
    ]);
    // The history now holds the answer the client saw.
    const chat = (await api(h, 'GET', `/chats/${chatId}`, h.keys.reader)).body;
    expect(chat.messages.at(-1)).toMatchObject({ role: 'assistant', content: result.accumulatedContent });
  });

  it('turns an error in the middle of the stream into the error event, without retrying', async () => {
    const before = upstream.requests.length;
    upstream.enqueue(async (_req, res) => {
      streamHead(res);
      await writeInPieces(
        res,
        chunk({ role: 'assistant', content: 'Let me ' }) + chunk({ content: 'check' }),
      );
      await writeInPieces(res, 'data: {"error":{"message":"upstream overloaded","type":"server_error"}}\n\n');
      res.end();
    });
    const result = await ask('How many people now?');
    expect(result.accumulatedContent).toBe('Let me check');
    expect(result.types).toEqual(['chunk', 'chunk', 'error']);
    expect(result.errors).toEqual(['the model failed: upstream overloaded']);
    expect(result.finalized).toBe(false);
    expect(upstream.requests.length - before).toBe(1);
  });

  it('treats a connection cut mid-stream as an error event', async () => {
    upstream.enqueue(async (_req, res) => {
      streamHead(res);
      await writeInPieces(res, chunk({ role: 'assistant', content: 'Half an ans' }));
      res.socket?.destroy();
    });
    const result = await ask('How many people now?');
    expect(result.types.at(-1)).toBe('error');
    expect(result.finalized).toBe(false);
  });

  it('retries with backoff before the first chunk (503, then a reset connection), then streams', async () => {
    const before = upstream.requests.length;
    upstream.enqueue(
      (_req, res) =>
        void res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"message":"busy"}}'),
      (_req, res) => void res.socket?.destroy(),
      async (_req, res) => {
        streamHead(res);
        await writeInPieces(res, textStream(['I have no ', 'numbers for that.']));
        res.end();
      },
    );
    const result = await ask('Tell me something');
    expect(result.errors).toEqual([]);
    expect(result.accumulatedContent).toBe('I have no numbers for that.');
    expect(result.finalized).toBe(true);
    expect(upstream.requests.length - before).toBe(3);
  });

  it('does not retry a refused request (401) and says why', async () => {
    const before = upstream.requests.length;
    upstream.enqueue(
      (_req, res) =>
        void res
          .writeHead(401, { 'content-type': 'application/json' })
          .end('{"error":{"message":"bad key"}}'),
    );
    const result = await ask('How many people now?');
    expect(result.types).toEqual(['error']);
    expect(result.errors[0]).toBe('the model endpoint answered 401: bad key');
    expect(upstream.requests.length - before).toBe(1);
  });

  it('ends with the error event when the model goes silent (timeout, retried before the first chunk)', async () => {
    const before = upstream.requests.length;
    const hang = (_req: unknown, res: import('node:http').ServerResponse) => {
      streamHead(res);
      res.write(': still thinking\n\n');
    };
    upstream.enqueue(hang, hang, hang);
    const result = await ask('How many people now?');
    expect(result.types).toEqual(['error']);
    expect(result.errors[0]).toBe('the model sent nothing for 1500 ms');
    expect(upstream.requests.length - before).toBe(3);
  }, 30_000);

  it('aborts the upstream request when the client disconnects, and frees the stream slot', async () => {
    const abortedBefore = upstream.abortedByClient;
    upstream.enqueue(async (_req, res) => {
      streamHead(res);
      await writeInPieces(res, chunk({ role: 'assistant', content: 'Counting' }));
      // ...and then the model keeps the stream open, as a slow model would.
    });
    const client = new AbortController();
    // While that stream is open, the same user cannot open another (limit 1 per user).
    let secondStatus = 0;
    await ask('How many people now?', {
      signal: client.signal,
      onChunk: async () => {
        secondStatus = (
          await api(h, 'POST', `/chats/${chatId}/messages`, h.keys.writer, { prompt: 'again?' })
        ).status;
        client.abort();
      },
    }).catch((err) => {
      if ((err as Error).name !== 'AbortError') throw err;
    });
    await waitFor(() => secondStatus !== 0, { what: 'the concurrent request' });
    expect(secondStatus).toBe(429);
    await waitFor(() => upstream.abortedByClient > abortedBefore, {
      what: 'the upstream request to be aborted',
    });
    upstream.enqueue(async (_req, res) => {
      streamHead(res);
      await writeInPieces(res, textStream(['ok']));
      res.end();
    });
    const next = await waitFor(
      async () => {
        const r = await ask('still there?');
        return r.status === 200 ? r : undefined;
      },
      { what: 'the slot to be free again' },
    );
    expect(next.finalized).toBe(true);
  }, 30_000);

  // Last: it closes the service.
  it('on shutdown, ends open answers with the error event and aborts their upstream requests', async () => {
    const abortedBefore = upstream.abortedByClient;
    upstream.enqueue(async (_req, res) => {
      streamHead(res);
      await writeInPieces(res, chunk({ role: 'assistant', content: 'Counting' }));
    });
    let closing: Promise<void> | undefined;
    const result = await ask('How many people now?', {
      onChunk: () => {
        closing ??= h.app.http.close();
      },
    });
    await closing;
    expect(result.types).toEqual(['chunk', 'error']);
    expect(result.errors).toEqual(['the service is restarting; please ask again']);
    await waitFor(() => upstream.abortedByClient > abortedBefore, {
      what: 'the upstream request to be aborted',
    });
  });
});

import { randomUUID } from 'node:crypto';
import { ApiError, type Chat, CreateChatBody, compile } from '@sightline/contracts';
import type { FastifyInstance } from 'fastify';
import type { HandlerContext } from './context.js';

const createBody = compile(CreateChatBody);
const READ_SCOPES = ['analytics:read', 'chat:write'] as const;

/** A chat without its history, for listings. */
const summary = ({ messages, ...chat }: Chat) => ({ ...chat, messageCount: messages.length });

/** `/chats` CRUD. Another tenant's chat is a 404, exactly like one that does not exist. */
export function registerChatRoutes(app: FastifyInstance, ctx: HandlerContext): void {
  app.post('/chats', async (request, reply) => {
    const principal = await ctx.auth.authenticate(request, ['chat:write']);
    const body = request.body ?? {};
    if (!createBody.check(body))
      throw new ApiError('bad_request', `invalid chat: ${createBody.errors(body).join('; ')}`);
    const deviceIds = [...new Set(body.deviceIds ?? [])];
    for (const deviceId of deviceIds) {
      if (!(await ctx.control.getDevice(principal.tenantId, deviceId))) {
        throw new ApiError('not_found', `device ${deviceId} not found`);
      }
    }
    const chat: Chat = {
      chatId: randomUUID(),
      tenantId: principal.tenantId,
      owner: principal.owner,
      title: body.title?.trim() || 'New chat',
      deviceIds,
      ...(body.label ? { label: body.label } : {}),
      createdAt: Date.now(),
      messages: [],
    };
    await ctx.store.create(chat);
    return reply.code(201).send(chat);
  });

  app.get('/chats', async (request) => {
    const principal = await ctx.auth.authenticate(request, READ_SCOPES);
    const chats = await ctx.store.list(principal.tenantId);
    return { chats: chats.sort((a, b) => b.createdAt - a.createdAt).map(summary) };
  });

  app.get<{ Params: { chatId: string } }>('/chats/:chatId', async (request) => {
    const principal = await ctx.auth.authenticate(request, READ_SCOPES);
    const chat = await ctx.store.get(principal.tenantId, request.params.chatId);
    if (!chat) throw new ApiError('not_found', `chat ${request.params.chatId} not found`);
    return chat;
  });

  app.delete<{ Params: { chatId: string } }>('/chats/:chatId', async (request, reply) => {
    const principal = await ctx.auth.authenticate(request, ['chat:write']);
    if (!(await ctx.store.delete(principal.tenantId, request.params.chatId))) {
      throw new ApiError('not_found', `chat ${request.params.chatId} not found`);
    }
    return reply.code(204).send();
  });
}

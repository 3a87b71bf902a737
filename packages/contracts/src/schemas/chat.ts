import { type Static, Type } from '@sinclair/typebox';
import { Id } from './common.js';

export const ChatMessage = Type.Object(
  {
    role: Type.Union([Type.Literal('user'), Type.Literal('assistant')]),
    content: Type.String(),
    at: Type.Number(),
  },
  { additionalProperties: false },
);
export type ChatMessage = Static<typeof ChatMessage>;

export const Chat = Type.Object(
  {
    chatId: Id,
    tenantId: Id,
    owner: Type.String(),
    title: Type.String({ maxLength: 200 }),
    deviceIds: Type.Array(Id),
    /** Optional scope by device label: the chat sees the tenant's devices carrying it. */
    label: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
    createdAt: Type.Number(),
    messages: Type.Array(ChatMessage),
  },
  { additionalProperties: false },
);
export type Chat = Static<typeof Chat>;

/** Seed 002 chat stream events: `data: {...}` lines. `error` is Sightline's documented addition. */
export const ChatStreamEvent = Type.Union([
  Type.Object({ type: Type.Literal('chunk'), text: Type.String() }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('done') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('error'), message: Type.String() }, { additionalProperties: false }),
]);
export type ChatStreamEvent = Static<typeof ChatStreamEvent>;

export const PostMessageBody = Type.Object(
  { prompt: Type.String({ minLength: 1, maxLength: 4000 }) },
  { additionalProperties: false },
);
export type PostMessageBody = Static<typeof PostMessageBody>;

export const CreateChatBody = Type.Object(
  {
    title: Type.Optional(Type.String({ maxLength: 200 })),
    deviceIds: Type.Optional(Type.Array(Id, { maxItems: 100 })),
    label: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
  },
  { additionalProperties: false },
);
export type CreateChatBody = Static<typeof CreateChatBody>;

import { buckets, type Chat, type ChatMessage } from '@sightline/contracts';
import { JsonBucket, type NatsConnection } from '@sightline/nats';

const chatKey = (tenantId: string, chatId: string) => `${tenantId}.${chatId}`;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Chats and their history in the `chats` KV bucket, key `<tenant>.<chatId>`. */
export class ChatStore {
  constructor(
    private readonly bucket: JsonBucket<Chat>,
    /** Stored history is capped; the oldest messages go first. */
    private readonly maxMessages: number,
  ) {}

  static async open(nc: NatsConnection, maxMessages: number): Promise<ChatStore> {
    return new ChatStore(await JsonBucket.open<Chat>(nc, buckets.chats), maxMessages);
  }

  async create(chat: Chat): Promise<void> {
    await this.bucket.create(chatKey(chat.tenantId, chat.chatId), chat);
  }

  /** The tenant's chat, or undefined: another tenant's chat looks exactly like none. */
  async get(tenantId: string, chatId: string): Promise<Chat | undefined> {
    if (!ID.test(chatId)) return undefined;
    const chat = await this.bucket.get(chatKey(tenantId, chatId));
    return chat?.tenantId === tenantId ? chat : undefined;
  }

  async list(tenantId: string): Promise<Chat[]> {
    return this.bucket.values(`${tenantId}.*`);
  }

  async delete(tenantId: string, chatId: string): Promise<boolean> {
    if (!(await this.get(tenantId, chatId))) return false;
    await this.bucket.delete(chatKey(tenantId, chatId));
    return true;
  }

  /**
   * Append messages with compare-and-set, retrying on a concurrent write (two streams of the
   * same chat finishing together). Returns false when the chat was deleted meanwhile.
   */
  async append(tenantId: string, chatId: string, messages: ChatMessage[]): Promise<boolean> {
    const key = chatKey(tenantId, chatId);
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await this.bucket.getWithRevision(key);
      if (!current) return false;
      const history = [...current.value.messages, ...messages].slice(-this.maxMessages);
      try {
        await this.bucket.update(key, { ...current.value, messages: history }, current.revision);
        return true;
      } catch (err) {
        if (!/wrong last sequence/i.test(String((err as Error).message))) throw err;
      }
    }
    throw new Error(`could not append to chat ${chatId}: too many concurrent writes`);
  }
}

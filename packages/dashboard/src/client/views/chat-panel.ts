import type { AppContext } from '../app-context.js';
import { readChatStream } from '../lib/chat-stream.js';
import { throttledDebounce } from '../lib/debounce.js';
import { h } from '../lib/dom.js';
import { errorFromResponse } from '../lib/http.js';

/**
 * Questions in, answers streamed in (seed 002): the message is posted with fetch, the body read
 * with getReader, and the growing answer rendered at most every 50 ms.
 */
export function renderChatPanel(ctx: AppContext, host: HTMLElement): void {
  let chatId: string | undefined;
  const log = h('ol', { class: 'chat-log', 'aria-live': 'polite', 'aria-label': 'Conversation' });
  const input = h('textarea', {
    id: 'chat-input',
    rows: 2,
    maxlength: 4000,
    required: true,
    placeholder: 'How many people are at the entrance now?',
  });
  const send = h('button', { type: 'submit', class: 'primary' }, 'Ask');
  const form = h(
    'form',
    { class: 'chat-form' },
    h('label', { for: 'chat-input' }, 'Ask about your cameras'),
    input,
    send,
  );
  host.replaceChildren(
    h(
      'section',
      { class: 'card chat', 'aria-labelledby': 'chat-title' },
      h('h2', { id: 'chat-title' }, 'Chat'),
      log,
      form,
    ),
  );

  const bubble = (role: 'user' | 'assistant', text: string) => {
    const body = h('p', {}, text);
    const li = h(
      'li',
      { class: `msg ${role}`, 'data-role': role },
      h('span', { class: 'sr-only' }, role === 'user' ? 'You: ' : 'Sightline: '),
      body,
    );
    log.append(li);
    li.scrollIntoView({ block: 'end' });
    return { li, body };
  };

  const ask = async (prompt: string) => {
    bubble('user', prompt);
    const answer = bubble('assistant', '…');
    answer.li.setAttribute('aria-busy', 'true');
    let text = '';
    let chunks = 0;
    const render = throttledDebounce((content: string) => {
      answer.body.textContent = content;
    }, 50);
    try {
      if (!chatId) {
        const deviceIds = ctx.devices.value.map((d) => d.deviceId).slice(0, 100);
        chatId = (
          await ctx.api.json<{ chatId: string }>('POST', '/chats', { title: prompt.slice(0, 80), deviceIds })
        ).chatId;
      }
      const res = await ctx.api.fetch(`/chats/${encodeURIComponent(chatId)}/messages`, {
        method: 'POST',
        body: JSON.stringify({ prompt }),
      });
      if (!res.ok) throw await errorFromResponse(res);
      let finished = false;
      await readChatStream(res, (event) => {
        if (event.type === 'chunk') {
          text += event.text;
          chunks += 1;
          answer.li.dataset.chunks = String(chunks);
          render(text);
        } else if (event.type === 'done') {
          finished = true;
        } else {
          finished = true;
          throw new Error(event.message);
        }
      });
      render.flush();
      if (!text) throw new Error('The answer was empty.');
      if (!finished) answer.li.classList.add('partial');
      answer.li.dataset.done = 'true';
    } catch (err) {
      render.flush();
      answer.li.classList.add('error');
      answer.body.textContent = `${text ? `${text}\n` : ''}Error: ${err instanceof Error ? err.message : String(err)}`;
      answer.li.dataset.done = 'error';
    } finally {
      answer.li.removeAttribute('aria-busy');
    }
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const prompt = input.value.trim();
    if (!prompt) return;
    input.value = '';
    send.disabled = true;
    await ask(prompt);
    send.disabled = false;
    input.focus();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
}

import { h } from '../lib/dom.js';
import { Api, ApiCallError } from '../lib/http.js';

/** The key is checked against the device list before it is kept, so a typo says so at once. */
export function renderSignIn(root: HTMLElement, onSignedIn: (key: string) => void, notice?: string): void {
  const error = h('p', { class: 'form-error', role: 'alert', id: 'signin-error' }, notice ?? '');
  const input = h('input', {
    id: 'api-key',
    name: 'apiKey',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    placeholder: 'sl_…',
    'aria-describedby': 'signin-help signin-error',
  });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'signin card', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Sightline'),
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h(
      'p',
      { id: 'signin-help', class: 'hint' },
      'Kept in this tab only (session storage); never sent in a URL.',
    ),
    error,
    button,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    button.disabled = true;
    error.textContent = '';
    try {
      await new Api(key).get('/api/v1/devices');
      onSignedIn(key);
    } catch (err) {
      error.textContent =
        err instanceof ApiCallError && err.status === 401
          ? 'That key was not accepted.'
          : `Could not sign in: ${err instanceof Error ? err.message : String(err)}`;
      button.disabled = false;
      input.focus();
    }
  });
  root.replaceChildren(h('main', { class: 'signin-page' }, form));
  input.focus();
}

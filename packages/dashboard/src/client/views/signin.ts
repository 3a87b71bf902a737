import { h } from '../lib/dom.js';
import { ApiCallError } from '../lib/http.js';
import { type SessionInfo, session } from '../lib/session.js';

/** Why a sign-in failed, in words for the form. */
function signInError(err: unknown): string {
  if (err instanceof ApiCallError && err.status === 401) return 'That key was not accepted.';
  return `Could not sign in: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * The key opens a cookie session and is then dropped (the field is cleared). The session is read
 * back at once, so a browser that refused the cookie (Secure cookie over plain http) says so.
 */
export function renderSignIn(
  root: HTMLElement,
  onSignedIn: (info: SessionInfo) => void,
  notice?: string,
): void {
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
      'Sent once to open a session; the browser keeps only a session cookie, never the key.',
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
      await session.open(key);
      input.value = '';
      const info = await session.current();
      if (!info) throw new Error('the browser did not keep the session cookie (https needed?)');
      onSignedIn(info);
    } catch (err) {
      error.textContent = signInError(err);
      button.disabled = false;
      input.focus();
    }
  });
  root.replaceChildren(h('main', { class: 'signin-page' }, form));
  input.focus();
}

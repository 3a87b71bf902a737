/** The API key lives in sessionStorage only: gone when the tab closes, never in a URL or cookie. */
const storageKey = 'sightline.apiKey';

export const session = {
  get key(): string | undefined {
    return sessionStorage.getItem(storageKey) ?? undefined;
  },
  signIn(key: string): void {
    sessionStorage.setItem(storageKey, key.trim());
  },
  signOut(): void {
    sessionStorage.removeItem(storageKey);
  },
};

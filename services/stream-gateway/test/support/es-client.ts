import { EventSource } from 'eventsource';

/**
 * The `eventsource` package as a browser would use it, with the API key added by its fetch hook
 * and the target replica chosen per (re)connect, like a load balancer in front of the gateways.
 */
export class EsClient {
  readonly ids: string[] = [];
  readonly other: { type: string; data: string }[] = [];
  opens = 0;
  readonly es: EventSource;

  constructor(baseUrl: () => string, path: string, key: string) {
    this.es = new EventSource(`http://gateway.invalid${path}`, {
      fetch: (input, init) => {
        const url = new URL(String(input));
        return fetch(`${baseUrl()}${url.pathname}${url.search}`, {
          ...init,
          headers: { ...init.headers, Authorization: `Bearer ${key}` },
        });
      },
    });
    this.es.addEventListener('open', () => this.opens++);
    this.es.addEventListener('analysis_result', (e) => this.ids.push(e.lastEventId));
    for (const type of ['reset', 'disconnect']) {
      this.es.addEventListener(type, (e) => this.other.push({ type, data: e.data }));
    }
  }

  close(): void {
    this.es.close();
  }
}

import '@fastify/multipart';
import '@fastify/websocket';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route family, the `source` label of `requests_rejected_total`. */
    source?: string;
  }
}

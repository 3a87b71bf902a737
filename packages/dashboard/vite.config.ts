import { defineConfig, type ProxyOptions } from 'vite';

/**
 * `vite` (dev) and `vite preview` proxy the APIs to a running stack, routed as the gateway routes
 * them in production: chat to chat-llm, frame intake and camera health to ingest, the rest to
 * the gateway. Point them elsewhere with SIGHTLINE_{GATEWAY,CHAT,INGEST}_URL.
 */
const gateway = process.env.SIGHTLINE_GATEWAY_URL ?? 'http://127.0.0.1:8080';
const chat = process.env.SIGHTLINE_CHAT_URL ?? 'http://127.0.0.1:8082';
const ingest = process.env.SIGHTLINE_INGEST_URL ?? 'http://127.0.0.1:8081';

// Keep the browser's Host (changeOrigin off), as the gateway and the Ingress do: a cookie
// session's CSRF check compares the Origin with the Host.
const to = (target: string, ws = false): ProxyOptions => ({ target, changeOrigin: false, ws });

const proxy: Record<string, ProxyOptions> = {
  '/chats': to(chat),
  '^/api/v1/devices/[^/]+/(health|frames)': to(ingest),
  '^/api/(upload|webhook|v1/actions)': to(ingest),
  '/api': to(gateway),
  '/ws': to(gateway, true),
};

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: { proxy },
  preview: { proxy },
});

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vite';

/**
 * The headers that make a page cross-origin isolated. Without them the page has no `SharedArrayBuffer`,
 * which training on several Web Workers (`pretrainReplicated`) needs. Every asset of the app is
 * same-origin, so `require-corp` blocks none of them. A server that deploys `dist/` must send both.
 */
export const CROSS_ORIGIN_ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

function setHeaders(_req: IncomingMessage, res: ServerResponse, next: () => void): void {
  for (const [name, value] of Object.entries(CROSS_ORIGIN_ISOLATION)) res.setHeader(name, value);
  next();
}

/**
 * Sends {@link CROSS_ORIGIN_ISOLATION} with every response of `vite` (dev) and `vite preview`, the page,
 * its modules, its workers and the data alike.
 */
export function crossOriginIsolation(): Plugin {
  return {
    name: 'simclr:cross-origin-isolation',
    configureServer(server) {
      server.middlewares.use(setHeaders);
    },
    configurePreviewServer(server) {
      server.middlewares.use(setHeaders);
    },
  };
}

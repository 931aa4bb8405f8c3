import type { IncomingMessage } from 'node:http';
import { badRequest, entityTooLarge } from '../errors/status.js';

/** kube-apiserver's limit on a request body. */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Reads the whole body, refusing more than 3 MiB without buffering it. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      req.resume();
      reject(entityTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        chunks.length = 0;
        req.removeAllListeners('data');
        req.resume();
        reject(entityTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', (err) => reject(badRequest(err.message)));
  });
}

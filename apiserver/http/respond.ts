import type { ServerResponse } from 'node:http';
import type { Status } from '../../shared/api/meta.js';
import { internalError, StatusError } from '../errors/status.js';

export function sendJSON(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': bytes.length, ...headers });
  // A Buffer, not a string: Node then writes the headers as Latin-1 on their own; with a string
  // body it encodes them along with it as UTF-8, which would double-encode a UTF-8 Warning.
  res.end(bytes);
}

export function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Every failure leaves as a Status; anything that is not a StatusError is an internal error. */
export function toStatus(err: unknown): Status {
  if (err instanceof StatusError) return err.status;
  return internalError(err instanceof Error ? err.message : String(err)).status;
}

export function sendError(res: ServerResponse, err: unknown): void {
  const status = toStatus(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = {};
  if (status.details?.retryAfterSeconds) headers['Retry-After'] = String(status.details.retryAfterSeconds);
  sendJSON(res, status.code, status, headers);
}

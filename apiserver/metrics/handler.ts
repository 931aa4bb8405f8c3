import type { Registry } from 'prom-client';
import type { PathHandler } from '../http/server.js';
import { sendError } from '../http/respond.js';

/** GET /metrics: the registry in the Prometheus text format, as prom-client writes it. */
export function metricsHandler(registry: Registry): PathHandler {
  return async (_req, res) => {
    try {
      const text = await registry.metrics();
      res.writeHead(200, { 'Content-Type': registry.contentType, 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    } catch (err) {
      sendError(res, err);
    }
  };
}

import type { KubeObject } from '../api/meta.js';

/**
 * Objects are stored as JSON (upstream stores protobuf). As upstream, the resourceVersion is
 * not stored: it is the key's etcd mod revision, filled in on every read.
 */
export function encodeObject(obj: KubeObject): Buffer {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return Buffer.from(JSON.stringify({ ...obj, metadata }));
}

/** Parses a stored value, or throws if it is not a JSON object with metadata. */
export function decodeObject<T extends KubeObject>(value: Buffer, modRevision: number): T {
  const obj = JSON.parse(value.toString('utf8')) as T;
  if (typeof obj !== 'object' || obj === null || typeof obj.metadata !== 'object' || obj.metadata === null) {
    throw new Error('stored value is not an API object');
  }
  obj.metadata.resourceVersion = String(modRevision);
  return obj;
}

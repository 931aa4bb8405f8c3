import type { Etcd3, IKeyValue } from 'etcd3';

export interface KeyValue {
  key: string;
  value: Buffer;
  createRevision: number;
  modRevision: number;
}

export function toKeyValue(kv: IKeyValue): KeyValue {
  return {
    key: kv.key.toString(),
    value: kv.value,
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
  };
}

/**
 * Keys per etcd range request when a whole prefix is read: upstream's storage caps a list
 * chunk at 10,000 (maxLimit in etcd3/store.go); client-go pages by 500. Ranges of 1,000 keep a
 * response of small objects near 1 MB while a 100,000-key prefix still takes 100 round trips.
 */
export const PAGE_SIZE = 1000;

/** The end of etcd's range for every key that starts with `prefix`. */
export function prefixEnd(prefix: string): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  // Only 0xff bytes: to the end of the keyspace, as clientv3.GetPrefixRangeEnd.
  return Buffer.from([0]);
}

export interface Page {
  kvs: KeyValue[];
  /** The revision the page was read at: the header's revision, or the one asked for. */
  revision: number;
  /** More keys follow in the range. */
  more: boolean;
  /** Keys in the whole range [start, end) at that revision, as etcd counts them. */
  count: number;
}

export interface PageRequest {
  start: string;
  end: Buffer;
  /** 0 (or absent) reads the newest revision. */
  revision?: number;
  limit: number;
}

/** One range request: at most `limit` keys from `start`, at `revision`. */
export async function rangePage(client: Etcd3, req: PageRequest): Promise<Page> {
  const res = await client.kv.range({
    key: Buffer.from(req.start),
    range_end: req.end,
    limit: req.limit,
    ...(req.revision ? { revision: req.revision } : {}),
  });
  return {
    kvs: res.kvs.map(toKeyValue),
    revision: req.revision || Number(res.header.revision),
    more: res.more,
    count: Number(res.count),
  };
}

/**
 * Every key under `prefix` as of one revision, read `pageSize` keys at a time: the first page
 * fixes the revision, the others are read at it (upstream's `withRev`), so the whole is one
 * consistent snapshot and no response is larger than a page. `onPage` sees each page as it
 * arrives, so a caller can decode while the next page is on the wire. A revision compacted
 * away mid-read fails the read with etcd's error: the caller starts again.
 */
export async function listPrefix(
  client: Etcd3,
  prefix: string,
  onPage: (kvs: KeyValue[]) => void,
  options: { revision?: number; pageSize?: number } = {},
): Promise<number> {
  const end = prefixEnd(prefix);
  const limit = options.pageSize ?? PAGE_SIZE;
  let revision = options.revision ?? 0;
  let start = prefix;
  for (;;) {
    const page = await rangePage(client, { start, end, revision, limit });
    revision = page.revision;
    onPage(page.kvs);
    const last = page.kvs[page.kvs.length - 1];
    if (!page.more || !last) return revision;
    // The next page starts right after the last key: the key with a zero byte appended.
    start = `${last.key}\x00`;
  }
}

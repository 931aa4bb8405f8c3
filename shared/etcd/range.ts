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
 * The most keys one etcd range request asks for when a prefix is read whole: upstream's cacher
 * lists etcd 10,000 keys at a time (storageWatchListPageSize), its storage caps a chunk at as
 * many (maxLimit). Fewer, bigger pages matter: etcd walks the rest of the range's index on
 * every page to count it, so a page costs time in proportion to what is left after it.
 */
export const PAGE_SIZE = 10_000;

/**
 * What one response should stay under. Counted keys alone do not bound a response (a value may
 * be 1.5 MiB), and gRPC refuses messages over its receive limit (4 MiB unless raised), so page
 * sizes follow the largest value seen so far.
 */
const PAGE_BYTES = 3 << 20;

/** The first page asks for few keys: nothing is known yet about their size. */
const FIRST_PAGE = 16;

/** Chooses each page's key limit from the values seen so far (see PAGE_BYTES). */
export class PageSizer {
  private largest = 0;

  constructor(private readonly max = PAGE_SIZE) {}

  next(): number {
    if (this.largest === 0) return Math.min(FIRST_PAGE, this.max);
    return Math.max(1, Math.min(this.max, Math.floor(PAGE_BYTES / this.largest)));
  }

  saw(kvs: readonly KeyValue[]): void {
    for (const kv of kvs) this.largest = Math.max(this.largest, kv.key.length + kv.value.length + 32);
  }
}

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

interface PageRequest {
  start: string;
  end: Buffer;
  /** 0 (or absent) reads the newest revision. */
  revision?: number;
  limit: number;
  /** Keys without values: for handlers that need only which keys exist. */
  keysOnly?: boolean;
}

/** One range request: at most `limit` keys from `start`, at `revision`. */
export async function rangePage(client: Etcd3, req: PageRequest): Promise<Page> {
  const res = await client.kv.range({
    key: Buffer.from(req.start),
    range_end: req.end,
    limit: req.limit,
    ...(req.revision ? { revision: req.revision } : {}),
    ...(req.keysOnly ? { keys_only: true } : {}),
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
 * arrives. A revision compacted away mid-read fails the read with etcd's error: the caller starts again.
 */
export async function listPrefix(
  client: Etcd3,
  prefix: string,
  onPage: (kvs: KeyValue[]) => void,
  options: { revision?: number; keysOnly?: boolean } = {},
): Promise<number> {
  const end = prefixEnd(prefix);
  const sizer = new PageSizer();
  let revision = options.revision ?? 0;
  let start = prefix;
  for (;;) {
    const page = await rangePage(client, { start, end, revision, limit: sizer.next(), keysOnly: options.keysOnly });
    sizer.saw(page.kvs);
    revision = page.revision;
    onPage(page.kvs);
    const last = page.kvs[page.kvs.length - 1];
    if (!page.more || !last) return revision;
    // The next page starts right after the last key: the key with a zero byte appended.
    start = `${last.key}\x00`;
  }
}

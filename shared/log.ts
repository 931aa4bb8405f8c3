interface LineLogger {
  (line: string): void;
  /** Writes what is pending now, e.g. before the process exits. */
  flush(): void;
}

/**
 * A line logger for servers: lines are collected and written together once per turn of the
 * event loop, because one synchronous write per line (what console.log does on a pipe or a
 * file) costs a busy apiserver more than the lines are worth.
 */
export function lineLogger(stream: NodeJS.WritableStream = process.stdout): LineLogger {
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    stream.write(text);
  };
  const log = (line: string) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push(`${line}\n`);
  };
  return Object.assign(log, { flush });
}

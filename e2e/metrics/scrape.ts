import parse from 'parse-prometheus-text-format';

/** One scrape of a /metrics endpoint, read with a real Prometheus text-format parser. */
export class Scrape {
  private constructor(
    readonly types: Map<string, string>,
    private readonly samples: { name: string; labels: Record<string, string>; value: number }[],
  ) {}

  static async of(url: string): Promise<Scrape> {
    const res = await fetch(url);
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    const text = await res.text();
    const types = new Map(parse(text).map((f) => [f.name, f.type]));
    // The parser folds labelled histograms into one unlabelled sample; read without the TYPE
    // and HELP lines, every series (`x_bucket`, `x_count`, ...) comes back with its labels.
    const samples = parse(text.replace(/^# (TYPE|HELP) .*\n/gm, '')).flatMap((f) =>
      f.metrics.map((m) => ({ name: f.name, labels: m.labels ?? {}, value: Number(m.value) })),
    );
    return new Scrape(types, samples);
  }

  /** The sum over series named `name` whose labels include `labels` (0 if none). */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.samples
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((sum, s) => sum + s.value, 0);
  }

  /** The label sets of the series named `name`. */
  series(name: string): Record<string, string>[] {
    return this.samples.filter((s) => s.name === name).map((s) => s.labels);
  }
}

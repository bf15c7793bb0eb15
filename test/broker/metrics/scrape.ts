// Reads a broker's /metrics over HTTP into series → value, for the metrics tests.

/** `name{label="v",...}` (labels in the order of the exposition) → value. */
export type Series = Map<string, number>;

export async function scrape(url: string): Promise<Series> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
  return parseExposition(await res.text());
}

export function parseExposition(text: string): Series {
  const out: Series = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** The value of `name` with exactly `labels` (any order), or undefined. */
export function valueOf(
  series: Series,
  name: string,
  labels: Record<string, string | number> = {},
): number | undefined {
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const [key, value] of series) {
    const brace = key.indexOf('{');
    const metric = brace < 0 ? key : key.slice(0, brace);
    if (metric !== name) continue;
    const inner = brace < 0 ? '' : key.slice(brace + 1, -1);
    const given = inner === '' ? [] : inner.split(/,(?=[a-z_]+=")/);
    if (given.sort().join(',') === wanted) return value;
  }
  return undefined;
}

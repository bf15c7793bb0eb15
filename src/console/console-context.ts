// What every console page works with: the admin client, where it is connected, and the
// throughput source when a metrics URL was given.
import type { Admin, ClusterOptions } from '../client/index.js';
import type { ThroughputSource } from './throughput-source.js';

export interface ConsoleContext {
  admin: Admin;
  /** Options for the short-lived producers and consumers the pages make. */
  clientOptions: ClusterOptions;
  /** `host:port,...` as given, for the footer. */
  bootstrap: string;
  throughput: ThroughputSource | null;
}

/** A page's answer: HTML, or a redirect after a form post (post-redirect-get). */
export type PageResult = { html: string; status?: number } | { redirect: string };

export type FormBody = Record<string, string | string[] | undefined>;

/** One value of a form field or query parameter ('' when absent). */
export function field(values: FormBody | undefined, name: string): string {
  const v = values?.[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/** Every value of a repeated form field. */
export function fields(values: FormBody | undefined, name: string): string[] {
  const v = values?.[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

export interface ConsoleRoute {
  method: 'GET' | 'POST';
  url: string;
  handler(request: ConsoleRequest): Promise<PageResult> | PageResult;
}

export interface ConsoleRequest {
  params: Record<string, string>;
  query: FormBody;
  body: FormBody;
}

/** ListOffsets requests a page keeps in flight at once (pipelined on the leaders' connections). */
const OFFSET_REQUESTS_IN_FLIGHT = 32;

/**
 * Offsets of many partitions, in the order given. The admin client asks one partition at a
 * time; a page asks for many at once, so it sends up to {@link OFFSET_REQUESTS_IN_FLIGHT}
 * requests side by side instead of waiting for each answer.
 */
export async function offsetsOf(
  ctx: ConsoleContext,
  partitions: readonly { topic: string; partition: number }[],
  spec: 'earliest' | 'latest' | number,
): Promise<bigint[]> {
  const out: bigint[] = new Array<bigint>(partitions.length);
  let next = 0;
  const worker = async () => {
    while (next < partitions.length) {
      const i = next++;
      const [r] = await ctx.admin.listOffsets([partitions[i]!], spec);
      out[i] = r!.offset;
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(OFFSET_REQUESTS_IN_FLIGHT, partitions.length) }, worker),
  );
  return out;
}

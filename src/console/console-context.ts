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

// A broker started in-process and a console on a free port against it, both stopped by the
// test; and a small HTTP helper that keeps redirects visible (forms answer 303).
import { startBroker, type Broker } from '../../../src/index.js';
import { Admin } from '../../../src/client/index.js';
import {
  startConsole,
  type ConsoleOptions,
  type RunningConsole,
} from '../../../src/console/index.js';

export interface ConsoleFixture {
  broker: Broker;
  admin: Admin;
  console: RunningConsole;
  get(path: string): Promise<{ status: number; text: string }>;
  /** Posts a form; answers the status and the redirect target. */
  post(
    path: string,
    form: Record<string, string>,
  ): Promise<{ status: number; location: string; text: string }>;
}

export async function startConsoleFixture(
  t: { after(fn: () => unknown): void },
  options: Partial<ConsoleOptions> = {},
): Promise<ConsoleFixture> {
  const broker = await startBroker({ config: { 'group.initial.rebalance.delay.ms': 0 } });
  t.after(() => broker.close());
  const admin = new Admin({ bootstrapServers: broker.bootstrap });
  await admin.connect();
  t.after(() => admin.close());
  const running = await startConsole({ bootstrapServers: broker.bootstrap, port: 0, ...options });
  t.after(() => running.close());
  return {
    broker,
    admin,
    console: running,
    async get(path) {
      const r = await fetch(running.url + path);
      return { status: r.status, text: await r.text() };
    },
    async post(path, form) {
      const r = await fetch(running.url + path, {
        method: 'POST',
        body: new URLSearchParams(form),
        redirect: 'manual',
      });
      return { status: r.status, location: r.headers.get('location') ?? '', text: await r.text() };
    },
  };
}

/** The text of an HTML fragment without tags, whitespace collapsed, for simple assertions. */
export function textOf(htmlText: string): string {
  return htmlText
    .replace(/<[^>]*>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

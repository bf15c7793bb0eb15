// Headless Chromium from Debian's `chromium` package, driven by playwright-core over CDP, with
// a fresh profile in a temporary directory. playwright never downloads a browser here: the test uses
// the system's, and fails with the install command when it is missing.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { within } from '../../support/wait.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Starts Chromium as a child process of the test (so the test can always kill it by its pid)
 * with DevTools on a free port, and connects playwright to it over CDP.
 */
export async function launchChromium(t: {
  after(fn: () => unknown): void;
}): Promise<{ browser: Browser; page: Page }> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} is missing; install it with: apt-get install -y --no-install-recommends chromium`,
    );
  }
  const profile = await mkdtemp(join(tmpdir(), 'rivulet-chromium-'));
  const child = spawn(
    CHROMIUM_PATH,
    [...ARGS, `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  t.after(async () => {
    child.kill('SIGKILL');
    await exited;
    // Chromium's helper processes may still be writing the profile for a moment.
    await rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  });
  let stderr = '';
  const endpoint = await within(
    'Chromium to open DevTools',
    new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
        if (m !== null) resolve(m[1]!);
      });
      void exited.then(() => reject(new Error(`Chromium exited: ${stderr}`)));
    }),
  );
  const browser = await chromium.connectOverCDP(endpoint);
  t.after(() => within('the CDP connection to close', browser.close(), 10_000).catch(() => {}));
  const context = browser.contexts()[0] ?? (await browser.newContext());
  const page = context.pages()[0] ?? (await context.newPage());
  await page.setViewportSize({ width: 1280, height: 900 });
  page.setDefaultTimeout(20_000);
  return { browser, page };
}

export interface Focused {
  tag: string;
  id: string;
  name: string;
  text: string;
  type: string;
}

/** What has the keyboard focus now. */
export function focused(page: Page): Promise<Focused> {
  // A string, since the test code is compiled without the DOM's types.
  return page.evaluate(`(() => {
    const e = document.activeElement;
    return {
      tag: e.tagName.toLowerCase(),
      id: e.id,
      name: e.name ?? '',
      text: (e.innerText ?? '').trim(),
      type: e.type ?? '',
    };
  })()`);
}

/**
 * Presses Tab until the focused element matches (an element id, or a link's or button's
 * visible text); fails, naming the target, if a whole round of the page never reaches it.
 */
export async function tabTo(page: Page, target: { id?: string; text?: string }): Promise<void> {
  for (let i = 0; i < 150; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (target.id !== undefined && f.id === target.id) return;
    if (target.text !== undefined && f.text === target.text) return;
  }
  throw new Error(`Tab never reached ${JSON.stringify(target)} on ${page.url()}`);
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core's WCAG 2.x A and AA rules run on the page as it is; the violations found. */
export async function accessibilityViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
  return page.evaluate(`(async () => {
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.html),
    }));
  })()`);
}

// Headless Chromium from Debian's `chromium` package, driven by playwright-core, with a fresh
// profile in a temporary directory. playwright never downloads a browser here: the test uses
// the system's, and fails with the install command when it is missing.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

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

export async function launchChromium(t: {
  after(fn: () => unknown): void;
}): Promise<{ context: BrowserContext; page: Page }> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} is missing; install it with: apt-get install -y --no-install-recommends chromium`,
    );
  }
  const profile = await mkdtemp(join(tmpdir(), 'rivulet-chromium-'));
  t.after(() => rm(profile, { recursive: true, force: true }));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
  });
  t.after(() => context.close());
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  return { context, page };
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

// The frame of every console page: a skip link first in the focus order, the main navigation,
// the page's heading and a status line for the outcome of the last action (after a
// post-redirect-get, the outcome travels in the `notice` or `error` query parameter).
import { html, type SafeHtml } from './html.js';

export interface PageOptions {
  title: string;
  /** Which navigation entry is the current page. */
  section: 'overview' | 'topics' | 'groups' | 'acls' | 'quotas' | 'throughput' | 'none';
  body: SafeHtml;
  notice?: string | undefined;
  error?: string | undefined;
  /** Where the console is connected, shown in the footer. */
  bootstrap: string;
  /** Extra scripts (served by the console itself). */
  scripts?: readonly string[];
}

const SECTIONS = [
  ['overview', '/', 'Overview'],
  ['topics', '/topics', 'Topics'],
  ['groups', '/groups', 'Consumer groups'],
  ['acls', '/acls', 'ACLs'],
  ['quotas', '/quotas', 'Quotas'],
  ['throughput', '/throughput', 'Throughput'],
] as const;

export function page(options: PageOptions): string {
  const nav = SECTIONS.map(
    ([id, href, label]) =>
      html`<li>
        <a href="${href}" ${options.section === id ? html` aria-current="page"` : ''}>${label}</a>
      </li>`,
  );
  const status =
    options.error !== undefined
      ? html`<p class="message error" role="alert">${options.error}</p>`
      : options.notice !== undefined
        ? html`<p class="message notice" role="status">${options.notice}</p>`
        : '';
  const scripts = (options.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`);
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${options.title} · Rivulet console</title>
        <link rel="stylesheet" href="/assets/console.css" />
        ${scripts}
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to main content</a>
        <header>
          <p class="brand">Rivulet console</p>
          <nav aria-label="Main">
            <ul>
              ${nav}
            </ul>
          </nav>
        </header>
        <main id="main" tabindex="-1">
          <h1>${options.title}</h1>
          ${status} ${options.body}
        </main>
        <footer>
          <p>Connected to <code>${options.bootstrap}</code></p>
        </footer>
      </body>
    </html> `.value;
}

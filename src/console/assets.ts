// The console's stylesheet and its one script, served by the console itself (no build step,
// nothing fetched from elsewhere). Focus is always visible; colours keep WCAG AA contrast.

export const CONSOLE_CSS = `
:root { --fg: #1b1f24; --muted: #4b5563; --bg: #ffffff; --line: #d0d7de; --accent: #0b5cad;
  --danger: #b42318; --ok-bg: #e7f5ec; --err-bg: #fdecea; --focus: #ffbf47; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
.skip-link { position: absolute; left: -999px; top: 0; padding: .5rem 1rem; background: var(--fg); color: #fff; z-index: 10; }
.skip-link:focus { left: 0; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; padding: .5rem 1rem; border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; margin: 0; }
nav ul { list-style: none; display: flex; gap: 1rem; margin: 0; padding: 0; flex-wrap: wrap; }
nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
main { padding: 1rem; max-width: 80rem; }
main:focus { outline: none; }
footer { padding: .5rem 1rem; color: var(--muted); border-top: 1px solid var(--line); }
a { color: var(--accent); }
a:focus, button:focus, input:focus, select:focus, textarea:focus, summary:focus, main:focus-visible {
  outline: 3px solid var(--focus); outline-offset: 2px; }
table { border-collapse: collapse; margin: .5rem 0 1rem; width: 100%; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #f6f8fa; }
tbody th { font-weight: 500; }
tr.offline td, tr.offline th { background: var(--err-bg); }
tr.overridden th, tr.overridden td { font-weight: 600; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.message { padding: .5rem .75rem; border-radius: 4px; }
.notice { background: var(--ok-bg); }
.error { background: var(--err-bg); }
form.inline { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .5rem 0; }
form.inline h3 { width: 100%; margin: .25rem 0; font-size: 1rem; }
form.stacked label:not(.check) { display: block; font-weight: 600; }
form.stacked input:not([type=checkbox]):not([type=radio]), form.stacked textarea, form.stacked select { width: min(40rem, 100%); }
.help { display: block; color: var(--muted); font-size: .9em; }
label.check { display: block; font-weight: 400; }
fieldset { border: 1px solid var(--line); margin: .5rem 0; }
input, select, textarea, button { font: inherit; padding: .25rem .4rem; }
button, .button { display: inline-block; background: var(--accent); color: #fff; border: 0; border-radius: 4px; padding: .35rem .8rem; cursor: pointer; text-decoration: none; }
button.danger, .button.danger { background: var(--danger); }
ul.actions { list-style: none; display: flex; gap: .5rem; padding: 0; flex-wrap: wrap; }
.pager ul { list-style: none; display: flex; gap: 1rem; padding: 0; }
.tag { font-size: .8em; border: 1px solid var(--line); border-radius: 3px; padding: 0 .3rem; color: var(--muted); }
pre { margin: 0; white-space: pre-wrap; word-break: break-all; max-height: 16rem; overflow: auto; font-size: .9em; }
pre.hex { color: #6e2a8c; }
.format { display: block; color: var(--muted); font-size: .8em; }
.null { color: var(--muted); font-style: italic; }
ul.headers { margin: 0; padding-left: 1rem; }
svg polyline.bytes-in { stroke: var(--accent); }
svg polyline.bytes-out { stroke: var(--danger); }
svg { border: 1px solid var(--line); background: #fbfcfd; }
`;

/**
 * Refreshes the throughput chart fragment on the interval the page states. Without scripts the
 * page still shows the figures of the moment it was loaded.
 */
export const THROUGHPUT_JS = `
(() => {
  const box = document.getElementById('throughput-chart');
  if (!box) return;
  const every = Number(box.dataset.refreshMs) || 5000;
  setInterval(async () => {
    try {
      const r = await fetch('/throughput/chart', { headers: { accept: 'text/html' } });
      if (r.ok) box.innerHTML = await r.text();
    } catch (e) { /* the next round tries again */ }
  }, every);
})();
`;

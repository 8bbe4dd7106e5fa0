// Small HTML helpers: escaping, tables, sections, and the page with its inline stylesheet.

export function esc(text: unknown): string {
  return String(text ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export interface Column<T> {
  label: string;
  value: (row: T) => string | number | undefined;
  numeric?: boolean;
}

export function table<T>(rows: T[], columns: Column<T>[], options: { caption?: string; className?: string } = {}): string {
  if (rows.length === 0) return '';
  const head = columns.map((c) => `<th${c.numeric ? ' class="num"' : ''}>${esc(c.label)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${columns.map((c) => `<td${c.numeric ? ' class="num"' : ''}>${esc(c.value(r) ?? '—')}</td>`).join('')}</tr>`)
    .join('\n');
  const caption = options.caption ? `<caption>${esc(options.caption)}</caption>` : '';
  return `<div class="table-wrap"><table${options.className ? ` class="${options.className}"` : ''}>${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** Values by fleet size (rows) and line (columns): compact beside a plot. */
export function pivotTable(data: { line: string; agents: number; value: number; halfWidth?: number }[], valueLabel: string, digits = 3): string {
  if (data.length === 0) return '';
  const lines = [...new Set(data.map((d) => d.line))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const sizes = [...new Set(data.map((d) => d.agents))].sort((a, b) => a - b);
  const cell = new Map(data.map((d) => [`${d.line}|${d.agents}`, d]));
  // Lines named 'key=value' with one shared key: the key goes to the caption, the values head the columns.
  const keyed = lines.map((l) => /^(.*=)([^=]*)$/.exec(l));
  const prefix = lines.length > 1 && keyed.every((m) => m && m[1] === keyed[0]![1]) ? keyed[0]![1]! : '';
  const head = `<th class="num">agents</th>${lines.map((l) => `<th class="num">${esc(l.slice(prefix.length))}</th>`).join('')}`;
  if (prefix) valueLabel = `${valueLabel}; columns: ${prefix.slice(0, -1)}`;
  const body = sizes
    .map((n) => `<tr><td class="num">${esc(fmtNumber(n))}</td>${lines
      .map((l) => {
        const d = cell.get(`${l}|${n}`);
        return `<td class="num">${d ? `${esc(fmtNumber(d.value, digits))}${d.halfWidth ? ` <span class="pm">± ${esc(fmtNumber(d.halfWidth, 2))}</span>` : ''}` : ''}</td>`;
      })
      .join('')}</tr>`)
    .join('\n');
  return `<div class="table-wrap"><table class="pivot"><caption>${esc(valueLabel)}</caption><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** A plot beside its table; `plot` is markup from renderPlot or an empty-note. */
export function figure(id: string, plot: string, tableHtml: string, caption?: string): string {
  return `<div class="pair"><figure class="plot" data-plot="${esc(id)}">${plot}${caption ? `<figcaption>${esc(caption)}</figcaption>` : ''}</figure>${tableHtml ? `<div class="side">${tableHtml}</div>` : ''}</div>`;
}

export function emptyNote(what: string): string {
  return `<p class="empty">Not in these results: ${esc(what)}.</p>`;
}

export function section(id: string, title: string, body: string, intro?: string): string {
  return `<section id="${esc(id)}"><h2>${esc(title)}</h2>${intro ? `<p class="intro">${esc(intro)}</p>` : ''}${body}</section>`;
}

export function fmtNumber(v: number | undefined, digits = 3): string {
  if (v === undefined || !Number.isFinite(v)) return v === Infinity ? '∞' : '—';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e7)) return v.toExponential(2);
  return v.toLocaleString('en-US', { maximumSignificantDigits: digits > 0 ? Math.max(digits, a >= 1 ? Math.ceil(Math.log10(a + 1)) : digits) : 3 });
}

const CSS = `
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6573; --line: #d8dde4; --accent: #1f5fbf; --bad: #b42318; --ok: #1a7f37; --bg-soft: #f5f7fa; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 1180px; padding: 1.25rem; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; padding-top: .5rem; border-top: 2px solid var(--line); }
h3 { font-size: 1.02rem; margin: 1rem 0 .25rem; }
p { margin: .4rem 0; }
.meta, .intro, figcaption, caption { color: var(--muted); font-size: .88rem; }
nav.toc { font-size: .88rem; columns: 3 14rem; margin: .75rem 0; padding: .5rem .75rem; background: var(--bg-soft); border-radius: 6px; }
nav.toc a { display: block; color: var(--accent); text-decoration: none; padding: .05rem 0; }
.recommendation { font-size: 1.05rem; padding: .75rem 1rem; border-left: 4px solid var(--accent); background: var(--bg-soft); margin: .75rem 0 1rem; }
.answers { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: .75rem; }
.answer { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; break-inside: avoid; }
.answer h3 { margin: 0 0 .25rem; font-size: .95rem; color: var(--muted); font-weight: 600; }
.answer p { margin: 0 0 .35rem; font-weight: 500; }
.answer.unanswered p { font-weight: 400; color: var(--muted); }
.answer dl { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.2fr); gap: .1rem .6rem; margin: 0; font-size: .85rem; }
.answer dt { color: var(--muted); overflow-wrap: anywhere; }
.answer dd { overflow-wrap: anywhere; }
.answer dd { margin: 0; font-variant-numeric: tabular-nums; }
.pair { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1rem; align-items: start; margin: .75rem 0 1.25rem; break-inside: avoid; }
figure.plot { margin: 0; min-width: 0; }
figure.plot svg { max-width: 100%; height: auto; }
figure.plot figure { margin: 0; }
.side { min-width: 0; }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: .82rem; width: auto; font-variant-numeric: tabular-nums; }
.side table { width: 100%; }
.pm { color: var(--muted); font-size: .9em; }
table.pivot th { font-weight: 600; font-size: .78rem; }
caption { text-align: left; padding-bottom: .25rem; }
th, td { padding: .2rem .45rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--bg-soft); font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
.empty { color: var(--muted); font-style: italic; padding: 1rem; border: 1px dashed var(--line); border-radius: 6px; }
.warn { color: var(--bad); }
.holds-no { color: var(--bad); font-weight: 600; }
.holds-yes { color: var(--ok); }
ul.files { font-size: .88rem; }
a { color: var(--accent); }
@media (max-width: 760px) {
  body { padding: .75rem; font-size: 14px; }
  .pair { grid-template-columns: 1fr; }
  nav.toc { columns: 1; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav.toc { display: none; }
  h2 { break-before: auto; break-after: avoid; }
  section, .pair, .answer, table { break-inside: avoid; }
  .pair { grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); }
  a { color: inherit; text-decoration: none; }
}
`;

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

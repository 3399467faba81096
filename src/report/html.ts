/** The report page: the HTML shell with its inline style, sections, tables and inline images. */
import { escapeXml, tag, text } from './xml.js';

/** The report's style sheet, inline so the file stands alone. */
const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1.5em; color: #1f2328; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 1px solid #d0d7de; padding-bottom: 0.2em; }
.meta { color: #57606a; }
.row { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
figure { margin: 0; } figcaption { color: #57606a; font-size: 12px; text-align: center; }
table { border-collapse: collapse; margin: 0.8em 0; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #d0d7de; padding: 3px 10px; text-align: left; }
th.num, td.num { text-align: right; }
img.pixels { image-rendering: pixelated; border: 1px solid #d0d7de; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px; }
.ok { color: #1a7f37; } .bad { color: #cf222e; }
svg { max-width: 100%; height: auto; }
`;

/** A complete HTML document: no scripts, no external resources. */
export function page(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8"/>',
    '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
    `<title>${escapeXml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    `<body>${body}</body>`,
    '</html>',
    '',
  ].join('\n');
}

/** A section with an anchor and a heading. */
export function section(id: string, title: string, ...content: string[]): string {
  return tag('section', { id }, tag('h2', {}, text(title)), ...content);
}

/** A paragraph of plain text. */
export function paragraph(content: string, className?: string): string {
  return tag('p', { class: className }, text(content));
}

/** A row of figures that wraps on narrow pages. */
export function row(...items: string[]): string {
  return tag('div', { class: 'row' }, ...items);
}

/** A figure: any markup (an SVG, an image) and a caption. */
export function figure(content: string, caption?: string): string {
  return tag('figure', {}, content, caption ? tag('figcaption', {}, text(caption)) : '');
}

/** A number, possibly with a unit the tables use: '12.5', '-212.5', '44.7°', '1.71x', '0.6 s', '91.8%', '4/255'. */
const NUMERIC_CELL = /^[-+−]?\d[\d.]*(e[-+]?\d+)?(°|x| s|%|\/255)?$/;

/** An HTML table of text cells: columns of numbers are right-aligned, the others left-aligned. */
export function htmlTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const numeric = header.map((_, c) => rows.every((r) => !r[c] || r[c] === '-' || NUMERIC_CELL.test(r[c]!)));
  const align = (c: number): string | undefined => (numeric[c] ? 'num' : undefined);
  const head = tag('tr', {}, ...header.map((h, c) => tag('th', { class: align(c) }, text(h))));
  const body = rows.map((r) => tag('tr', {}, ...r.map((cell, c) => tag('td', { class: align(c) }, text(cell)))));
  return tag('table', {}, tag('thead', {}, head), tag('tbody', {}, ...body));
}

/** An inline image from a data: URL, drawn with square pixels (for enlarged digits). */
export function inlineImage(dataUrl: string, alt: string, width: number, height: number): string {
  if (!dataUrl.startsWith('data:')) throw new Error(`inlineImage: the report takes data: URLs only, got '${dataUrl.slice(0, 30)}…'`);
  return tag('img', { class: 'pixels', src: dataUrl, alt, width, height });
}

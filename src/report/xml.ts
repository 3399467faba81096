/**
 * Building SVG and HTML as strings, escaped: the report is one self-contained file, written
 * without a DOM so that it renders the same in Node and in tests.
 */

/** Text escaped for element content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Attribute values: numbers are rounded to 2 decimals (coordinates), undefined/false leave the attribute out. */
export type Attrs = Record<string, string | number | boolean | undefined>;

/** Coordinates rounded to 2 decimals: smaller files, no `1.0000000002`. */
export function round2(x: number): string {
  return String(Math.round(x * 100) / 100);
}

function attrs(a: Attrs): string {
  let out = '';
  for (const [name, value] of Object.entries(a)) {
    if (value === undefined || value === false) continue;
    if (value === true) out += ` ${name}="${name}"`;
    else out += ` ${name}="${typeof value === 'number' ? round2(value) : escapeXml(value)}"`;
  }
  return out;
}

/**
 * An element: `tag('circle', { r: 3 })` is `<circle r="3"/>`. Children are markup strings
 * already (use `text()` for plain text). Elements without children close themselves, which SVG
 * allows; HTML callers pass '' to get an explicit end tag.
 */
export function tag(name: string, a: Attrs = {}, ...children: string[]): string {
  if (children.length === 0) return `<${name}${attrs(a)}/>`;
  return `<${name}${attrs(a)}>${children.join('')}</${name}>`;
}

/** Plain text as markup. */
export function text(content: string | number): string {
  return escapeXml(String(content));
}

/** An SVG path through `points` (M, then L), skipping non-finite values by starting a new piece. */
export function polyline(points: readonly (readonly [number, number])[]): string {
  let d = '';
  let pen = false;
  for (const [x, y] of points) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${round2(x)} ${round2(y)}`;
    pen = true;
  }
  return d;
}

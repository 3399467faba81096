// The HTML report: one self-contained, well-formed file with a part per workload.
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../src/report/index.js';
import { fakeReportData, notebookReportData } from './report_fixture.js';

/** HTML elements without an end tag. */
const VOID = new Set(['meta', 'img', 'br', 'hr', 'link', 'input']);

/**
 * Checks that every element is closed in order (SVG elements may close themselves) and returns
 * the element names in document order. Throws at the first mismatch, naming it.
 */
function checkWellFormed(html: string): string[] {
  const body = html.replace(/^<!doctype html>/i, '').replace(/<style>[\s\S]*?<\/style>/, '<style></style>');
  const stack: string[] = [];
  const names: string[] = [];
  const tagPattern = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tagPattern.exec(body); m; m = tagPattern.exec(body)) {
    const between = body.slice(last, m.index);
    if (/[<>]/.test(between)) throw new Error(`stray < or > before <${m[2]}>: ${JSON.stringify(between.slice(0, 80))}`);
    last = tagPattern.lastIndex;
    const [, closing, name, , selfClosing] = m;
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else {
      names.push(name!);
      if (!selfClosing && !VOID.has(name!)) stack.push(name!);
    }
  }
  if (/[<>]/.test(body.slice(last))) throw new Error('stray < or > at the end');
  if (stack.length > 0) throw new Error(`unclosed: ${stack.join(' > ')}`);
  return names;
}

describe('the well-formedness check', () => {
  it('catches misnested, unclosed and stray markup', () => {
    expect(() => checkWellFormed('<div><p></div>')).toThrow('</div> closes <p>');
    expect(() => checkWellFormed('<div><svg>')).toThrow('unclosed: div > svg');
    expect(() => checkWellFormed('<p>1 < 2</p>')).toThrow(/stray/);
    expect(checkWellFormed('<div><circle r="1"/><img src="x"></div>')).toEqual(['div', 'circle', 'img']);
  });
});

describe('renderReport', () => {
  const html = renderReport(fakeReportData());

  it('is a well-formed HTML document', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    const names = checkWellFormed(html);
    expect(names.slice(0, 3)).toEqual(['html', 'head', 'meta']);
    expect(names.filter((n) => n === 'svg').length).toBeGreaterThanOrEqual(2 + 6 + 3 + 2);
    expect(names.filter((n) => n === 'section')).toHaveLength(3);
  });

  it('is self-contained: no scripts, no external resources, images as data: URLs', () => {
    // Only in-document references (clip paths) may use url(); nothing may load a file.
    expect(html.match(/<script|<link|<iframe|@import|url\((?!#)/gi)).toBeNull();
    const refs = [...html.matchAll(/\s(src|href)="([^"]*)"/g)].map((m) => [m[1], m[2]!] as const);
    for (const [attr, value] of refs) {
      if (attr === 'href') expect(value).toMatch(/^#/);
      else expect(value).toMatch(/^data:image\/png;base64,/);
    }
    const images = refs.filter(([a]) => a === 'src');
    // Two attacked digits, each before, after and change.
    expect(images).toHaveLength(6);
    for (const [, url] of images) {
      const png = Buffer.from(url.slice('data:image/png;base64,'.length), 'base64');
      expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(112); // 28 pixels, enlarged 4 times
    }
  });

  it('shows each workload: fits and losses, vectors per dimension, attacked digits', () => {
    for (const text of ['Linear regression', 'least squares', 'manual (K=1000)', 'adam', 'loss (mean squared error)']) expect(html).toContain(text);
    for (const text of ['2-D: 8 vectors', '3-D: 8 vectors', '32-D: 8 vectors', 'smallest angle, 2-D', 'angles between pairs']) expect(html).toContain(text);
    // The project's own spread beside the article's, each against the best arrangement known
    // (8 vectors: 45° in 2-D, the simplex in 32-D, none listed in 3-D).
    expect(html).toContain('<td>best</td><td class="num">2</td>');
    expect(html).toMatch(/<td class="num">45°<\/td><td class="num">66\.7%<\/td>/);
    expect(html).toMatch(/<td class="num">98\.21°<\/td><td class="num">30\.5%<\/td>/);
    for (const text of ['Adversarial attack', 'digit 7: says 9', 'not flipped', '98.0% correct on 1500 held-out digits']) expect(html).toContain(text);
  });

  it('draws the loss surface with each run\'s path', () => {
    expect(html).toContain('loss surface: MSE over slope and intercept');
    expect(html).toContain('Level lines at 1.01, 1.02, 1.04');
  });

  it("puts the notebook's printed numbers and a float64 run beside runs that repeat the notebook's", () => {
    const page = renderReport(notebookReportData());
    checkWellFormed(page);
    expect(page).toContain('The runs are those of the article&#39;s companion notebook');
    // Ours, the notebook's printed line, and whether they print alike.
    expect(page).toMatch(/<td>manual-1: manual \(K=1000\)<\/td>.*<td>5\.44, -188\.81, 129\.4<\/td><td>yes<\/td>/);
    expect(page).toMatch(/<td>least squares \(exact, float64\)<\/td>.*<td>6\.04, -230\.53, 127\.1<\/td><td>yes<\/td>/);
    expect(page).toContain('is the same run in float64 arithmetic on the CPU; ours differ from it by');
    // Runs on other data have neither.
    expect(html).not.toContain('companion notebook');
  });

  it('escapes text from the data', () => {
    expect(html).toContain('weights &lt;&amp;&gt; &quot;heights&quot;.csv');
    expect(html).toContain('webgpu: test &lt;adapter&gt;');
    expect(html).toContain('loss 1 &lt; 2');
  });

  it('leaves out the parts that did not run', () => {
    const only = renderReport({ adapter: 'cpu', createdAt: new Date(0), vectorSpread: fakeReportData().vectorSpread! });
    checkWellFormed(only);
    expect(only).toContain('Vector spread');
    expect(only).not.toContain('Linear regression');
    expect(only).not.toContain('<img');
  });
});

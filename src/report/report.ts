/**
 * The main job's report: one self-contained HTML file (inline SVG charts, PNG images as data:
 * URLs, inline style, no scripts, nothing fetched) with a part per workload.
 */
import { htmlTable, page, paragraph } from './html.js';
import { attackSection } from './sections/attack.js';
import { linregSection } from './sections/linreg.js';
import { vectorSpreadSection } from './sections/vector_spread.js';
import type { ReportData } from './types.js';
import { tag, text } from './xml.js';

/** The report as an HTML document. */
export function renderReport(data: ReportData): string {
  const parts: string[] = [
    tag('h1', {}, text('webgpu-descent: gradient descent on the GPU')),
    paragraph(`Ran on ${data.adapter}, ${data.createdAt.toISOString().replace('T', ' ').slice(0, 19)} UTC.`, 'meta'),
    paragraph(
      'The three workloads of the article "The Many Applications of Gradient Descent in TensorFlow", each computed with ' +
        'WebGPU compute shaders: a linear fit, vectors spread over a sphere, and an adversarial attack on an image classifier.',
    ),
  ];
  const toc = [
    data.linreg ? ['linreg', 'Linear regression'] : undefined,
    data.vectorSpread?.length ? ['vector-spread', 'Vector spread'] : undefined,
    data.attack ? ['attack', 'Adversarial attack'] : undefined,
  ].filter((x): x is string[] => x !== undefined);
  if (toc.length > 1) parts.push(tag('ul', {}, ...toc.map(([id, title]) => tag('li', {}, tag('a', { href: `#${id}` }, text(title!))))));
  if (data.summary) parts.push(htmlTable(data.summary.header, data.summary.rows));
  if (data.linreg) parts.push(linregSection(data.linreg.data, data.linreg.runs));
  if (data.vectorSpread?.length) parts.push(vectorSpreadSection(data.vectorSpread));
  if (data.attack) parts.push(attackSection(data.attack));
  return page('webgpu-descent report', parts.join('\n'));
}

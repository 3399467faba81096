/**
 * The attack part of the report: for each attacked digit, the original and adversarial images
 * side by side with the change between them, and the class probabilities before and after.
 */
import { attackImages } from '../../workloads/attack/attack_images.js';
import { encodePng, pngDataUrl, type RasterImage } from '../../io/image/png.js';
import { probabilityBars } from '../bars.js';
import { figure, htmlTable, inlineImage, paragraph, row, section } from '../html.js';
import type { AttackReport, Timed } from '../types.js';
import { tag, text } from '../xml.js';
import { fmt, pct } from './common.js';

/** Attacked digits shown as cards, flipped ones first (the table counts them all). */
export const ATTACK_CARDS = 12;

function image(raster: RasterImage, alt: string): string {
  return inlineImage(pngDataUrl(encodePng(raster)), alt, raster.width, raster.height);
}

/** The whole section. */
export function attackSection({ result: run, seconds }: Timed<AttackReport>): string {
  const r = run.result;
  // The digits whose label flipped first: they are what the attack is about.
  const shown = attackImages(r, { scale: 4 })
    .map((set, k) => ({ set, p: r.perImage[k]! }))
    .sort((a, b) => Number(b.p.predictedAfter !== b.p.label) - Number(a.p.predictedAfter !== a.p.label))
    .slice(0, ATTACK_CARDS);
  const cards = shown.map(({ set: s, p }) => {
    const flipped = p.predictedAfter !== p.label;
    const head = tag(
      'div',
      { class: flipped ? 'ok' : 'bad' },
      text(`digit ${p.label}: says ${p.predictedAfter} (p ${fmt(p.after[p.predictedAfter]!, 3)})${flipped ? '' : ', not flipped'}`),
    );
    return tag(
      'div',
      { class: 'card' },
      head,
      row(
        figure(image(s.before, `digit ${p.label} before`), 'original'),
        figure(image(s.after, `digit ${p.label} after`), 'adversarial'),
        figure(image(s.change, `change of digit ${p.label}`), 'change'),
      ),
      figure(probabilityBars(p.before, p.after, { label: p.label }), 'p before (grey) and after (red)'),
    );
  });
  const kind = r.target === undefined ? 'untargeted: x -= ε·sign(∇x log p[true])' : `targeted towards ${r.target}: x -= ε·sign(∇x (p[true] − p[${r.target}]))`;
  return section(
    'attack',
    'Adversarial attack',
    paragraph(
      `Classifier: ${run.classifier}; ${pct(run.testAccuracy)} correct on ${run.heldOut} held-out digits. ` +
        `Attack ${kind}, ε = ${fmt(255 * r.epsilon, 3)}/255 per step, ${r.iterations} steps, pixels clipped to [0, 1]; ` +
        `only digits classified correctly are attacked. The change images are mid-grey where nothing changed, ` +
        'lighter where pixels got brighter and darker where they got darker.',
    ),
    htmlTable(
      ['digits', 'attacked', 'flipped', 'success', 'mean |change|', 'max |change|', 'time'],
      [[String(r.images), String(r.attacked), String(r.flipped), pct(r.successRate), `${fmt(r.meanAbsChange, 3)}/255`, `${fmt(r.maxAbsChange, 3)}/255`, `${seconds.toFixed(1)} s`]],
    ),
    row(...cards),
  );
}

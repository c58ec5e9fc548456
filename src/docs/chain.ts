/**
 * The "Chain" section of a correlation page: a Mermaid flowchart of the stages (their rules, the
 * windows between them, the group-by fields and the image join), the same as a table, and where
 * each stage rule reads the image when the chain joins on it.
 */
import type { CorrelationExplanation } from '../explain.js';
import { code, duration, inline, pageLink, table } from './markdown.js';

/**
 * Text inside a quoted Mermaid label. Mermaid reads `#name;` and `#123;` as entity codes, so `#`
 * itself is written as one, and so are the quote that would end the label and the angle brackets
 * its HTML labels would read as markup.
 */
export function mermaidText(text: string): string {
  return text
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/\r\n|[\r\n\u2028\u2029]/g, ' ');
}

function keys(e: CorrelationExplanation): string {
  const group = e.groupBy.map((f) => `same ${f}`);
  return [...group, ...(e.joinOn.includes('image') ? ['same image'] : [])].join(' · ');
}

/** The Mermaid block (```mermaid … ```). */
export function chainDiagram(e: CorrelationExplanation): string {
  const joined = e.joinOn.includes('image') ? ', joined on the image' : '';
  const lines = ['```mermaid', 'flowchart LR'];
  lines.push(`  subgraph chain["${mermaidText(`grouped by ${e.groupBy.join(', ')}${joined}; at most ${duration(e.spanSeconds)} from first to last stage`)}"]`);
  lines.push('    direction LR');
  e.stages.forEach((s, i) => {
    lines.push(`    s${i + 1}["${[`${i + 1}. ${s.label}`, ...s.rules].map(mermaidText).join('<br/>')}"]`);
  });
  e.stages.forEach((s, i) => {
    if (i === 0) return;
    lines.push(`    s${i} -->|"${mermaidText(`within ${s.within ?? '?'} · ${keys(e)}`)}"| s${i + 1}`);
  });
  lines.push('  end');
  lines.push(`  s${e.stages.length} --> result(["${mermaidText(`${e.action}, level ${e.level}`)}"])`);
  lines.push('```');
  return lines.join('\n');
}

export function chainSection(e: CorrelationExplanation): string {
  const out = [
    '## Chain',
    chainDiagram(e),
    table(
      ['#', 'stage', 'window', 'any result of'],
      e.stages.map((s, i) => [String(i + 1), code(s.label), s.within ? `within ${s.within} of stage ${i}` : 'first', s.rules.map(pageLink).join(', ')]),
    ),
    `Stage events are grouped by ${e.groupBy.map(code).join(', ')}; each window slides from the previous stage's event, bounds inclusive. ` +
      `A chain spans at most ${duration(e.spanSeconds)} and gives one result (level ${e.level}, ${e.action}) per group and last-stage event.`,
  ];
  if (e.joinOn.includes('image')) {
    out.push(
      '### Where each stage rule reads the image',
      'Events that name an image must name the same repository (tag, digest, `docker.io/` and `library/` ignored); events that name none join any. Each rule reads the image from the first of these that matches:',
      table(
        ['stage', 'rule', 'reads the image from'],
        e.stages.flatMap((s) => s.images.map((im) => [code(s.label), pageLink(im.rule), im.reads.length ? im.reads.map(inline).join('; then ') : 'nothing (its events join any image)'])),
      ),
    );
  } else out.push('The chain does not join on the image.');
  return out.join('\n\n');
}

import { isEssential } from '../catalog/index.js';
import { purposeWords, type PrivacyLabel } from './label.js';

function purposes(row: PrivacyLabel['secondary'][number]): string {
  return row.purposes
    .map((p) => `${purposeWords(p)}${isEssential(p) ? '' : ' (only with your consent where the law asks for it)'}`)
    .join('; ');
}

/** The notice as Markdown (ETSI EN 303 645 provision 6-1 / GDPR Art. 12–13: concise, plain). */
export function renderMarkdown(l: PrivacyLabel): string {
  const p = l.primary;
  const lines = [
    `# Privacy notice: ${l.title} (\`${l.model}\`, version ${l.version})`,
    '',
    '## At a glance',
    '',
    `- **Security updates until:** ${p.securityUpdatesUntil}`,
    `- **Sensors:** ${p.sensors.join(', ') || 'none declared'}`,
    `- **What it collects:** ${p.dataCollected.join(' ')}`,
    `- **Why:** ${p.purposes.join('; ')}`,
    `- **How long we keep it:** ${p.retention}`,
    `- **Who receives it:** ${p.sharedWith.join(', ')}`,
    `- **How to withdraw consent:** ${p.withdraw}`,
    '',
    'Anything the device sends that is not listed here is dropped when it arrives and never stored.',
    '',
    '## Details',
    '',
    '| data | kind (fideslang) | why | kept | where | sensitivity |',
    '|---|---|---|---|---|---|',
    ...l.secondary.map(
      (r) =>
        `| ${r.field}: ${r.what} | ${r.category} | ${purposes(r)} | ${r.retention} | ${r.where} | ${r.sensitivity} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function h(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** The same notice as a self-contained HTML page (everything escaped: catalogs come from the API). */
export function renderHtml(l: PrivacyLabel): string {
  const p = l.primary;
  const item = (k: string, v: string) => `<div><dt>${h(k)}</dt><dd>${h(v)}</dd></div>`;
  const rows = l.secondary
    .map(
      (r) =>
        `<tr><td>${h(r.field)}: ${h(r.what)}</td><td>${h(r.category)}</td><td>${h(purposes(r))}</td>` +
        `<td>${h(r.retention)}</td><td>${h(r.where)}</td><td>${h(r.sensitivity)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Privacy: ${h(l.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
section.primary{border:3px solid #000;padding:1rem}dt{font-weight:bold}dd{margin:0 0 .5rem}
table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3rem;text-align:left}</style></head>
<body><h1>Privacy notice: ${h(l.title)} <small>(${h(l.model)}, version ${l.version})</small></h1>
<section class="primary" aria-label="Primary layer"><h2>At a glance</h2><dl>
${item('Security updates until', p.securityUpdatesUntil)}
${item('Sensors', p.sensors.join(', ') || 'none declared')}
${item('What it collects', p.dataCollected.join(' '))}
${item('Why', p.purposes.join('; '))}
${item('How long we keep it', p.retention)}
${item('Who receives it', p.sharedWith.join(', '))}
${item('How to withdraw consent', p.withdraw)}
</dl><p>Anything the device sends that is not listed here is dropped when it arrives and never stored.</p></section>
<section aria-label="Secondary layer"><h2>Details</h2><table>
<tr><th>data</th><th>kind (fideslang)</th><th>why</th><th>kept</th><th>where</th><th>sensitivity</th></tr>
${rows}
</table></section></body></html>
`;
}

/**
 * The funnel as a server-rendered SVG: one bar per step (leads → MQL → SQL → claimed), its
 * count, and the conversion from the step before. Only presentation attributes, no inline
 * style or script, so it passes the dashboard's CSP.
 */
import { html, type SafeHtml } from '../../../adapters/web/html.ts';
import type { FunnelCounts } from '../../core/reporting.ts';

export const percent = (fraction: number): string =>
  `${(fraction * 100).toFixed(fraction < 0.1 && fraction > 0 ? 1 : 0)}%`;

export function funnelChart(c: FunnelCounts, title = 'Funnel'): SafeHtml {
  const steps = [
    { label: 'Leads', value: c.leads, color: '#9aa8c7' },
    { label: 'MQL', value: c.mql, color: '#5b7fe8' },
    { label: 'SQL', value: c.sql, color: '#2f5bea' },
    { label: 'Claimed', value: c.claimed, color: '#1b3aa8' },
  ];
  const width = 720;
  const barMax = 360;
  const rowH = 44;
  const max = Math.max(c.leads, 1);
  const rows = steps.map((s, i) => {
    const w = Math.max((s.value / max) * barMax, s.value > 0 ? 2 : 0);
    const y = 10 + i * rowH;
    const prev = i === 0 ? undefined : steps[i - 1]!.value;
    const rate =
      prev === undefined ? '' : ` (${percent(prev > 0 ? s.value / prev : 0)} of ${steps[i - 1]!.label})`;
    return html`<g data-step="${s.label}">
<text x="0" y="${y + 22}" font-size="14" fill="#1d2330">${s.label}</text>
<rect x="110" y="${y}" width="${w.toFixed(1)}" height="32" rx="4" fill="${s.color}"></rect>
<text x="${(118 + w).toFixed(1)}" y="${y + 22}" font-size="14" fill="#1d2330" class="funnel-value">${s.value}${rate}</text>
</g>`;
  });
  return html`<svg class="funnel" role="img" aria-label="${title}" viewBox="0 0 ${width} ${10 + steps.length * rowH}" width="${width}" height="${10 + steps.length * rowH}" xmlns="http://www.w3.org/2000/svg">
<title>${title}: ${c.leads} leads, ${c.mql} MQL, ${c.sql} SQL, ${c.claimed} claimed</title>
${rows}
</svg>`;
}

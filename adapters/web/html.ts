/**
 * HTML built from tagged templates: every interpolated value is escaped unless it is already
 * {@link SafeHtml} (the output of another `html` template). Text a person typed can therefore
 * only ever appear as text: a lead named `<script>` is shown as `<script>`.
 */
import type { ServerResponse } from 'node:http';

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

/** Escapes the five characters that matter in element content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function render(v: Interpolation): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

/** The template tag. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/**
 * Security headers for pages: no inline script or style anywhere (CSP), no framing unless
 * `frameAncestors` allows it, no MIME sniffing, no referrer leaking lead ids to other sites.
 */
export function securityHeaders(opts: { frameAncestors?: string } = {}): Record<string, string> {
  return {
    'content-security-policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      `frame-ancestors ${opts.frameAncestors ?? "'none'"}`,
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'x-frame-options': opts.frameAncestors ? 'SAMEORIGIN' : 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
}

/** Sends a page with the security headers. */
export function sendHtml(
  res: ServerResponse,
  status: number,
  page: SafeHtml,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    ...securityHeaders(),
    ...extra,
  });
  res.end(page.value);
}

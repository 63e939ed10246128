/** `{{variable}}` substitution in flow messages. */
import type { JsonValue } from '../ports/index.ts';

/**
 * Replaces `{{name}}` with the variable's value (arrays joined by ", "); unknown or empty
 * variables become the inline default (`{{name|there}}`) or `fallback`. The output is plain text: adapters escape it for their markup.
 */
export function render(text: string, vars: Record<string, JsonValue>, fallback = ''): string {
  if (!text.includes('{{')) return text; // most texts have no variable: no regular expression run
  return text.replace(
    /\{\{\s*([A-Za-z][A-Za-z0-9_-]*)\s*(?:\|([^}]*))?\}\}/g,
    (_m, name: string, dflt?: string) => {
      const v = vars[name];
      const empty = dflt?.trim() ?? fallback;
      if (v === undefined || v === null || v === '') return empty;
      if (Array.isArray(v)) return v.map(String).join(', ');
      if (typeof v === 'object') return empty;
      return String(v);
    },
  );
}

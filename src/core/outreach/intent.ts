/** Intent signals: does a public message say the person may want to buy? */
import type { OutreachSettings } from './settings.ts';

/** The first configured pattern found in `text`, as written there; null when none. */
export function detectIntent(
  text: string,
  settings: Pick<OutreachSettings, 'intentPatterns'>,
): string | null {
  for (const p of settings.intentPatterns) {
    const m = p.exec(text);
    if (m) return m[0].trim();
  }
  return null;
}

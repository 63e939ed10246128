/**
 * Web chat configuration. Unlike the other platforms the web chat needs no token: it is on by
 * default (the zero-setup way to try leadbot) and `WEB_CHAT=off` disables it.
 */
import { z } from 'zod';
import { LeadbotError } from '../../src/core/errors.ts';

const origin = z
  .string()
  .trim()
  .regex(/^https?:\/\/[^/\s]+$/, 'expected origins like https://www.example.com (scheme and host, no path)');

export const webConfigSchema = z.object({
  WEB_CHAT: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim().toLowerCase() : 'on'),
    z.enum(['on', 'off'], 'expected on or off'),
  ),
  WEB_CHAT_ORIGINS: z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
    z.array(origin),
  ),
});

/** Every variable the web section reads (others with the `WEB_` prefix are typos). */
export const WEB_VARIABLES = Object.keys(webConfigSchema.shape) as readonly string[];

export interface WebAdapterConfig {
  /**
   * Other sites allowed to embed the widget and call the chat API from the browser (CORS).
   * The page leadbot serves itself is always allowed.
   */
  allowedOrigins: string[];
}

/**
 * Reads the web chat settings: null when `WEB_CHAT=off`; throws `LeadbotError('CONFIG_INVALID')`
 * naming the variable and the fix when a value is wrong.
 */
export function parseWebConfig(env: Record<string, string | undefined>): WebAdapterConfig | null {
  const parsed = webConfigSchema.safeParse(env);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${String(i.path[0] ?? 'web')}: ${i.message}`);
    throw new LeadbotError('CONFIG_INVALID', `Invalid web chat configuration: ${details.join('; ')}`, {
      userMessage: `Fix these environment variables: ${details.join('; ')}`,
    });
  }
  if (parsed.data.WEB_CHAT === 'off') return null;
  return { allowedOrigins: parsed.data.WEB_CHAT_ORIGINS };
}

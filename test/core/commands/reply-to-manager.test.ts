/**
 * One delivery policy for manager replies, with each platform's limit and escape as data: a
 * long lead list becomes several messages, split at line breaks, each within the limit after
 * escaping, with nothing lost and no escape cut.
 */
import { describe, expect, it } from 'vitest';
import { DISCORD_REPLY_LIMITS } from '../../../adapters/discord/outbound.ts';
import { SLACK_REPLY_LIMITS } from '../../../adapters/slack/outbound.ts';
import { TELEGRAM_REPLY_LIMITS } from '../../../adapters/telegram/outbound.ts';
import { replyToManager } from '../../../src/core/commands/reply-to-manager.ts';

/** A `leads` answer of 120 lines, each with what escapes grow (`&`, `<`, `@`). */
const longList = Array.from({ length: 120 }, (_, i) => `• lead-${i} <@U${i}> Acme & Co — @everyone SQL`).join(
  '\n',
);

describe('replyToManager', () => {
  it('keeps a short reply as one message, with its privacy, prompt and file', () => {
    const prompt = { userId: 'U1', text: 'Hi!' };
    const out = replyToManager(
      { text: 'Done.', private: false, prompt },
      { maxLength: 50, escape: (s) => s },
    );
    expect(out).toEqual({ texts: ['Done.'], private: false, prompt });
  });

  for (const [name, limits] of [
    ['Slack (section text 3,000)', SLACK_REPLY_LIMITS],
    ['Discord (content 2,000)', DISCORD_REPLY_LIMITS],
    ['Telegram (text 4,096)', TELEGRAM_REPLY_LIMITS],
  ] as const) {
    it(`splits a long reply for ${name} at line breaks, within the limit after escaping`, () => {
      const { texts } = replyToManager({ text: longList, private: true }, limits);
      expect(texts.length).toBeGreaterThan(1);
      for (const t of texts) {
        expect(t.length).toBeLessThanOrEqual(limits.maxLength);
        expect(t.startsWith('• lead-')).toBe(true); // every message starts at a line
      }
      expect(texts.join('\n')).toBe(limits.escape(longList));
    });
  }
});

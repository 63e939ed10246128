/** Loads the recorded Telegram updates of test/fixtures/telegram. */
import { readFileSync } from 'node:fs';
import type { Update } from 'grammy/types';

export const BOT = { id: 123456, username: 'leadbot_test_bot' };

export function fixture(name: string): Update {
  const url = new URL(`../../fixtures/telegram/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Update;
}

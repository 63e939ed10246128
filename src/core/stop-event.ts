/** How a person asks the bot to stop: read by the engine and by the follow-up planner. */
import type { InboundEvent } from './events.ts';
import { cleanText } from './flow/inputs.ts';

/** Plain-text words that stop a conversation. */
const STOP_WORDS = new Set(['stop', 'cancel', '/stop', '/cancel']);

/** True for an event by which the person asks the bot to stop (a command or a stop word). */
export function isStopEvent(e: InboundEvent): boolean {
  if (e.kind === 'command') return ['stop', 'cancel'].includes(e.name.toLowerCase());
  return e.kind === 'message' && STOP_WORDS.has(cleanText(e.text).toLowerCase());
}

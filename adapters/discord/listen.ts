/**
 * The adapter's discord.js listeners, one per job (prospects.ts, managers.ts, outreach.ts,
 * sales.ts), each on the client's own events (`Events.MessageCreate`, `Events.InteractionCreate`)
 * and each taking only what it owns, so every event has one handler. Around every handler: the
 * adapter must be started, an event id seen before in this process (a gateway replay after a
 * RESUME) is skipped before touching Discord, and a failure is logged — for an interaction, the
 * person is told something went wrong.
 */
import { type Client, Events, type Interaction, type Message } from 'discord.js';
import type { Logger } from '../../src/core/ports/index.ts';
import { RecentIds } from '../shared/recent-ids.ts';
import { reportFailure, toPlatformError } from './errors.ts';

/** How many recent event ids are remembered to skip a replay before touching Discord. */
const RECENT_EVENTS = 2000;

export interface DiscordListeners {
  /** Handles the interactions `owns` picks (a type guard narrows them for `handle`). */
  interaction<I extends Interaction>(owns: (i: Interaction) => i is I, handle: (i: I) => Promise<void>): void;
  /** Handles the messages `owns` picks. */
  message(owns: (m: Message) => boolean, handle: (m: Message) => Promise<void>): void;
}

/** Listeners on `client` that run only while `started()` holds. */
export function createDiscordListeners(
  client: Client,
  opts: { started: () => boolean; logger: Logger },
): DiscordListeners {
  const recent = new RecentIds<string>(RECENT_EVENTS);
  const log = opts.logger;
  return {
    interaction(owns, handle) {
      client.on(Events.InteractionCreate, (i) => {
        if (!opts.started() || !owns(i) || !recent.add(i.id)) return;
        handle(i).catch(async (err) => {
          log.error(
            { err: toPlatformError(err, 'answer an interaction'), eventId: i.id },
            'interaction failed',
          );
          await reportFailure(i, log);
        });
      });
    },
    message(owns, handle) {
      client.on(Events.MessageCreate, (m) => {
        if (!opts.started() || !owns(m) || !recent.add(m.id)) return;
        handle(m).catch((err) => {
          log.error({ err: toPlatformError(err, 'answer a message'), eventId: m.id }, 'message failed');
        });
      });
    },
  };
}

/**
 * Runs the real Telegram adapter (real grammY) against the fake Bot API, in polling or webhook
 * mode, and plays a person: typed text, commands, button presses built from what the bot
 * actually sent. `deliver` resolves once the adapter finished with the update.
 */
import type { CallbackQuery, Chat, Message, MessageEntity, Update, User } from 'grammy/types';
import type { AdapterDeps } from '../../../adapters/shared/types.ts';
import {
  createTelegramAdapter,
  type TelegramAdapter,
  type TelegramAdapterConfig,
} from '../../../adapters/telegram/index.ts';
import { createHttpServer, type HttpServer } from '../../../src/app/http-server.ts';
import type { InboundHandler, Logger } from '../../../src/core/ports/index.ts';
import { NO_LEAD_EVENTS } from '../../../src/core/webhooks/lead-events.ts';
import { type FakeTelegramApi, type SentMessage, startFakeTelegramApi } from '../../fakes/telegram-api.ts';
import { memoryInbox } from '../../helpers/inbox.ts';

export const SECRET = 'webhook_secret-123';

export interface Harness {
  api: FakeTelegramApi;
  adapter: TelegramAdapter;
  mode: 'polling' | 'webhook';
  /** Delivers an update the way the mode does; resolves once processed (returns the HTTP status). */
  deliver(update: Update): Promise<number>;
  /** Delivers an update a second time (polling: resent although confirmed); resolves once processed. */
  redeliver(update: Update): Promise<number>;
  /** Stops the adapter and starts a new one (empty in-memory state), as after a crash. */
  restart(): Promise<void>;
  /** Builds updates with increasing ids. */
  nextUpdateId(): number;
  close(): Promise<void>;
}

export async function startHarness(
  mode: 'polling' | 'webhook',
  handler: InboundHandler,
  logger: Logger,
  extra: { deps?: Partial<AdapterDeps>; config?: Partial<TelegramAdapterConfig> } = {},
): Promise<Harness> {
  const api = await startFakeTelegramApi();
  let http: HttpServer | undefined;

  // A fresh adapter (and, for webhooks, a fresh HTTP server) like a restarted process.
  async function boot(): Promise<TelegramAdapter> {
    let webhookUrl: string | undefined;
    if (mode === 'webhook') {
      http = createHttpServer({ logger });
      const { port } = await http.listen(0, '127.0.0.1');
      webhookUrl = `http://127.0.0.1:${port}/telegram/webhook`;
    }
    const adapter = createTelegramAdapter(
      mode === 'webhook'
        ? { token: api.token, apiRoot: api.apiRoot, mode, webhookUrl: webhookUrl!, webhookSecret: SECRET }
        : { token: api.token, apiRoot: api.apiRoot, mode, ...extra.config },
      {
        leadEvents: NO_LEAD_EVENTS,
        inbox: memoryInbox(),
        ...extra.deps,
        ...(http ? { logger, http } : { logger }),
      },
    );
    await adapter.start(handler);
    return adapter;
  }

  let adapter = await boot();
  // The webhook answers once the update is stored; processing follows the 200.
  const settled = async (status: number) => {
    await adapter.idle();
    return status;
  };
  let updateId = 1;
  return {
    api,
    get adapter() {
      return adapter;
    },
    mode,
    async restart() {
      await adapter.stop();
      await http?.close();
      adapter = await boot();
    },
    nextUpdateId: () => updateId++,
    async deliver(update) {
      if (mode === 'webhook') return settled(await api.deliver(update));
      api.push(update);
      // The runner confirms an update when it fetches the next batch, before handling it.
      await api.processed(update.update_id);
      await adapter.idle();
      return 200;
    },
    async redeliver(update) {
      if (mode === 'webhook') return settled(await api.deliver(update));
      await api.redeliver(update);
      await adapter.idle();
      return 200;
    },
    async close() {
      await adapter.stop();
      await http?.close();
      await api.close();
    },
  };
}

/** A person chatting with the bot in private. */
export function person(h: Harness, user: Partial<User> & { id: number } = { id: 7001 }) {
  const from: User = { is_bot: false, first_name: 'Ada', username: 'ada_l', ...user };
  const chat: Chat.PrivateChat = { id: from.id, type: 'private', first_name: from.first_name };
  let messageId = 1;
  const message = (
    text: string,
    entities?: MessageEntity[],
    c: Chat = chat,
  ): NonNullable<Update['message']> =>
    ({
      message_id: messageId++,
      from,
      chat: c,
      date: 1764300000,
      text,
      ...(entities ? { entities } : {}),
    }) as NonNullable<Update['message']>;

  return {
    from,
    chat,
    /** The newest message the bot sent to this person. */
    last(): SentMessage {
      const sent = h.api.sent(chat.id);
      const m = sent[sent.length - 1];
      if (!m) throw new Error('the bot sent nothing');
      return m;
    },
    textUpdate(text: string): Update {
      return { update_id: h.nextUpdateId(), message: message(text) };
    },
    say(text: string) {
      return h.deliver(this.textUpdate(text));
    },
    command(text: string) {
      const length = text.split(' ')[0]!.length;
      return h.deliver({
        update_id: h.nextUpdateId(),
        message: message(text, [{ type: 'bot_command', offset: 0, length }]),
      });
    },
    /** Builds the press of the button whose label or callback value matches, on the newest keyboard. */
    pressUpdate(choice: string): Update {
      const withKeyboard = [...h.api.sent(chat.id)].reverse().find((m) => m.reply_markup);
      if (!withKeyboard?.reply_markup) throw new Error('no keyboard to press');
      const button = withKeyboard.reply_markup.inline_keyboard
        .flat()
        .find(
          (b) =>
            'callback_data' in b &&
            (b.text === choice || b.text === `✓ ${choice}` || b.callback_data.endsWith(`|${choice}`)),
        );
      if (!button || !('callback_data' in button))
        throw new Error(`no button "${choice}" in ${withKeyboard.text}`);
      const q: CallbackQuery = {
        id: `cb-${h.nextUpdateId()}`,
        from,
        chat_instance: 'ci-1',
        data: button.callback_data,
        message: {
          message_id: withKeyboard.message_id,
          date: 1764300000,
          chat,
          from: h.api.botInfo,
          text: withKeyboard.text,
          reply_markup: withKeyboard.reply_markup,
        } as Message,
      };
      return { update_id: h.nextUpdateId(), callback_query: q };
    },
    press(choice: string) {
      return h.deliver(this.pressUpdate(choice));
    },
  };
}

/** A group member addressing the bot with a mention. */
export function groupMention(h: Harness, text: string, chatId = -1001234567890): Update {
  const handle = `@${h.api.botInfo.username}`;
  const full = `${handle} ${text}`;
  return {
    update_id: h.nextUpdateId(),
    message: {
      message_id: 500 + h.nextUpdateId(),
      from: { id: 8002, is_bot: false, first_name: 'Grace', username: 'grace_h' },
      chat: { id: chatId, type: 'supergroup', title: 'Growth Hackers' },
      date: 1764300000,
      text: full,
      entities: [{ type: 'mention', offset: 0, length: handle.length }],
    } as NonNullable<Update['message']>,
  };
}

/** Plays the strong prospect of flows/transcripts/strong-prospect.yaml with buttons where offered. */
export async function qualify(ada: Pick<ReturnType<typeof person>, 'command' | 'press' | 'say'>) {
  await ada.command('/start webinar_nov');
  await ada.press('evaluating');
  await ada.say('Acme Corp');
  await ada.press('exec');
  await ada.say('80');
  await ada.press('approved');
  await ada.press('month');
  await ada.say('jane@acme.example');
  await ada.press('yes');
  await ada.press('no');
}

/**
 * Inbound events and outbound messages: the only shapes that cross between the adapters
 * and the core. Adapters normalize platform payloads into an {@link InboundEvent} early
 * (pure functions in `adapters/<p>/inbound.ts`) and render {@link OutboundMessage}s late
 * (`adapters/<p>/outbound.ts`). All text here is plain text: adapters escape it for
 * their markup, so nothing a person typed can become formatting, a link or a mention.
 */

/**
 * Where an event came from: the name an adapter registered (`src/app/adapters.ts`: `slack`,
 * `discord`, `telegram`, `web`, …), or `console` for the terminal chat. Data, not a closed
 * list: the core keys identities, conversations, contact logs and schedules by it and never
 * branches on it, so a new platform is a new registry entry, not a change here. Registered
 * names are lowercase words (`defineAdapter` refuses others), so `<platform>:<workspace>:<user>`
 * keys stay unambiguous.
 */
export type Platform = string;

/** A place people talk in, as the platform names it (ids, and the names where known). */
export interface Place {
  workspaceId: string;
  channelId: string;
  workspaceName?: string;
  channelName?: string;
}

/** Who sent an event and where, as the platform names them. */
export interface EventOrigin {
  platform: Platform;
  /** Slack team id, Discord guild id, Telegram chat id of a group; `''` where none. */
  workspaceId: string;
  /** The conversation the reply goes to (DM channel, group chat, channel id). */
  channelId: string;
  /** The person's id on that platform. */
  userId: string;
  /** The person's handle on the platform, without `@`. */
  username?: string;
  /** The person's name as the platform shows it. */
  displayName?: string;
  /** A link that reaches the person on their platform (`https://t.me/<username>`), where there is one. */
  profileUrl?: string;
  /** The workspace's name where the platform gives it (Slack team, Discord server, Telegram group title). */
  workspaceName?: string;
  /** The channel's name where the platform gives it (without `#`). */
  channelName?: string;
  /** True in a private chat with the bot. */
  isDirect: boolean;
  /** The platform's unique id for this delivery (update_id, event_id, interaction id). */
  eventId: string;
  /** Campaign or source hint carried by the entry point (deep link payload, UTM). */
  campaign?: string;
  /**
   * Where the person came from when the event happens elsewhere: the group whose invitation
   * (a Telegram deep link) opened this private chat. A new lead's source names this place
   * instead of the private chat; replies still go to `channelId`.
   */
  cameFrom?: Place;
  /**
   * An anonymous visitor (the web chat): no row is written for them until they answer. Until
   * then a `start` only shows the first question, and the lead, its identity and the
   * conversation are created together with the first answer the flow takes (first-answer.ts).
   */
  leadOnAnswer?: boolean;
  /** The original payload, for logging and debugging only: the core never reads it. */
  raw?: unknown;
}

/** A free-text message. */
export interface MessageEvent extends EventOrigin {
  kind: 'message';
  text: string;
  /**
   * The question the text answers, when the platform knows it (the web widget sends the step it
   * shows). Like a choice's, an answer to another step than the current one is stale.
   */
  stepId?: string;
  /** True when the bot was mentioned or replied to in a shared channel. */
  mentionsBot?: boolean;
}

/** A button or menu choice. `values` holds one value, or several for a multiple choice. */
export interface ChoiceEvent extends EventOrigin {
  kind: 'choice';
  /**
   * The step the choice was offered for, or its short ref (src/core/flow/step-ref.ts) where a
   * platform's button cannot carry the id; a stale button for another step is ignored.
   */
  stepId?: string;
  /** Option values, or 1-based option numbers where a button cannot carry the value. */
  values: string[];
}

/** A command the person gave: `start`, `restart`, `stop` (names are platform-neutral). */
export interface CommandEvent extends EventOrigin {
  kind: 'command';
  name: string;
  args: string[];
}

/** Anything the adapter could not map (a sticker, a file, an edited message). */
export interface UnsupportedEvent extends EventOrigin {
  kind: 'unsupported';
  reason: string;
}

export type InboundEvent = MessageEvent | ChoiceEvent | CommandEvent | UnsupportedEvent;

/** One option of a choice question. `value` travels back in a {@link ChoiceEvent}. */
export interface ChoiceOption {
  value: string;
  label: string;
}

/**
 * A message for the person. `choices` become buttons (or a menu for long lists);
 * `multiple` means several may be picked, finished by a "done" choice the adapter adds.
 */
export interface OutboundMessage {
  kind: 'question' | 'info' | 'error';
  text: string;
  stepId?: string;
  choices?: ChoiceOption[];
  multiple?: boolean;
  /** For shared channels: ask the adapter to offer continuing in a private chat. */
  offerPrivate?: boolean;
}

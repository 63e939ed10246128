/**
 * Every limit the fake Discord enforces, in one place, each beside the page of Discord's
 * documentation that states it, so they can be checked against the docs at a glance. A body
 * that breaks one is refused as Discord refuses it: 400 with code 50035 "Invalid Form Body"
 * and an `errors` tree whose leaves are `_errors: [{ code, message }]`, keyed by the path of
 * the offending field (`embeds.0.fields.3.value`), as discord.js reads it into
 * `DiscordAPIError.rawError`.
 *
 * Lengths are counted in code points (what Discord counts; never more than JavaScript's UTF-16
 * `length`, which leadbot's renderers measure).
 */
import type { Json } from './state.ts';

export const DISCORD_LIMITS = {
  /** `content`: "Message contents (up to 2000 characters)" — https://discord.com/developers/docs/resources/message#create-message */
  content: 2000,
  /** "embeds: Up to 10 rich embeds (up to 6000 characters)" — https://discord.com/developers/docs/resources/message#create-message */
  embeds: 10,
  /** Embed limits table — https://discord.com/developers/docs/resources/message#embed-object-embed-limits */
  embed: {
    title: 256,
    description: 4096,
    fields: 25,
    fieldName: 256,
    fieldValue: 1024,
    footer: 2048,
    author: 256,
    /** "The combined sum of characters in all title, description, field.name, field.value, footer.text, and author.name fields across all embeds attached to a message must not exceed 6000 characters." */
    total: 6000,
  },
  /** Legacy message components — https://discord.com/developers/docs/components/reference#action-row: "up to 5 buttons or a single select"; a message holds up to 5 action rows. */
  rows: 5,
  buttonsPerRow: 5,
  /** https://discord.com/developers/docs/components/reference#anatomy-of-a-component: custom_id "1-100 characters". */
  customId: { min: 1, max: 100 },
  /** https://discord.com/developers/docs/components/reference#button: label "max 80 characters". */
  buttonLabel: 80,
  /** https://discord.com/developers/docs/components/reference#string-select: options "max 25"; option label/value/description "max 100"; placeholder "max 150"; max_values "max 25". */
  selectOptions: 25,
  selectOption: 100,
  placeholder: 150,
  /** https://discord.com/developers/docs/components/reference#modal / #label: modal title "max 45 characters"; label "max 45 characters". */
  modalTitle: 45,
  /**
   * https://discord.com/developers/docs/interactions/receiving-and-responding#responding-to-an-interaction: "Interaction
   * tokens are valid for 15 minutes … you must send an initial response within 3 seconds of
   * receiving the event. If the 3 second deadline is exceeded, the token will be invalidated."
   */
  initialResponseMs: 3000,
  tokenValidMs: 15 * 60_000,
  /** https://discord.com/developers/docs/resources/message#create-message: nonce "integer or string … (up to 25 characters)". */
  nonce: 25,
  /**
   * Same page, `enforce_nonce`: "If true and nonce is present, it will be checked for uniqueness
   * in the past few minutes. If another message was created by the same author with the same
   * nonce, that message will be returned and no new message will be created." "A few minutes"
   * is not a number: the fake keeps 2, so a caller that relies on more is caught.
   */
  nonceWindowMs: 2 * 60_000,
  /** https://discord.com/developers/docs/resources/channel#start-thread-from-message: name "1-100 character channel name". */
  threadName: { min: 1, max: 100 },
  /** Same page: auto_archive_duration "60, 1440, 4320, 10080" minutes. */
  autoArchive: [60, 1440, 4320, 10080],
} as const;

/** JSON error codes — https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes */
export const DISCORD_ERRORS = {
  unknownInteraction: { code: 10062, message: 'Unknown interaction' },
  unknownWebhook: { code: 10015, message: 'Unknown Webhook' },
  unknownMessage: { code: 10008, message: 'Unknown Message' },
  unknownChannel: { code: 10003, message: 'Unknown Channel' },
  unknownGuild: { code: 10004, message: 'Unknown Guild' },
  unauthorized: { code: 0, message: '401: Unauthorized' },
  missingAccess: { code: 50001, message: 'Missing Access' },
  cannotDm: { code: 50007, message: 'Cannot send messages to this user' },
  alreadyAcked: { code: 40060, message: 'Interaction has already been acknowledged.' },
  invalidFormBody: { code: 50035, message: 'Invalid Form Body' },
  /** Start Thread from Message on a message that has one ("only one thread can be created per message"). */
  threadExists: { code: 160004, message: 'A thread has already been created for this message' },
  /** Create DM with a recipient that is no user. */
  invalidRecipient: { code: 50033, message: 'Invalid Recipient(s)' },
  unknownEmoji: { code: 10014, message: 'Unknown Emoji' },
} as const;

type ErrorTree = Json;

/** Collects `_errors` at paths, then answers the 50035 body (or null when nothing is wrong). */
class Problems {
  readonly tree: ErrorTree = {};
  private count = 0;

  add(path: (string | number)[], code: string, message: string): void {
    let node = this.tree;
    for (const key of path) {
      node[String(key)] ??= {};
      node = node[String(key)];
    }
    node._errors ??= [];
    node._errors.push({ code, message });
    this.count += 1;
  }

  /** `BASE_TYPE_MAX_LENGTH` when a text is too long (Discord's code and wording). */
  maxLength(path: (string | number)[], value: unknown, max: number): void {
    if (typeof value === 'string' && chars(value) > max)
      this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  }

  /** A list longer than `max` (`BASE_TYPE_MAX_LENGTH`, as for texts). */
  maxLengthList(path: (string | number)[], n: number, max: number): void {
    if (n > max) this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  }

  /** `BASE_TYPE_BAD_LENGTH` for a text or list outside `min`..`max`. */
  between(path: (string | number)[], n: number, min: number, max: number): void {
    if (n < min || n > max)
      this.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
  }

  answer(): Json | null {
    return this.count ? { ...DISCORD_ERRORS.invalidFormBody, errors: this.tree } : null;
  }
}

/** Characters as Discord counts them (code points). */
export function chars(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function checkEmbeds(p: Problems, at: (string | number)[], embeds: Json[]): void {
  const L = DISCORD_LIMITS.embed;
  p.maxLengthList(at, embeds.length, DISCORD_LIMITS.embeds);
  let total = 0;
  const count = (v: unknown) => {
    if (typeof v === 'string') total += chars(v);
  };
  embeds.forEach((e, i) => {
    const here = [...at, i];
    p.maxLength([...here, 'title'], e.title, L.title);
    p.maxLength([...here, 'description'], e.description, L.description);
    p.maxLength([...here, 'footer', 'text'], e.footer?.text, L.footer);
    p.maxLength([...here, 'author', 'name'], e.author?.name, L.author);
    const fields = (e.fields ?? []) as Json[];
    p.maxLengthList([...here, 'fields'], fields.length, L.fields);
    fields.forEach((f, j) => {
      p.maxLength([...here, 'fields', j, 'name'], f.name, L.fieldName);
      p.maxLength([...here, 'fields', j, 'value'], f.value, L.fieldValue);
      // A field needs a name and a value (embed field structure: both required, non-empty).
      if (!f.name) p.add([...here, 'fields', j, 'name'], 'BASE_TYPE_REQUIRED', 'This field is required');
      if (!f.value) p.add([...here, 'fields', j, 'value'], 'BASE_TYPE_REQUIRED', 'This field is required');
      count(f.name);
      count(f.value);
    });
    count(e.title);
    count(e.description);
    count(e.footer?.text);
    count(e.author?.name);
  });
  if (total > L.total) p.add(at, 'MAX_EMBED_SIZE_EXCEEDED', `Embed size exceeds maximum size of ${L.total}`);
}

function checkCustomId(p: Problems, at: (string | number)[], id: unknown): void {
  const { min, max } = DISCORD_LIMITS.customId;
  p.between([...at, 'custom_id'], typeof id === 'string' ? chars(id) : 0, min, max);
}

function checkComponents(p: Problems, at: (string | number)[], rows: Json[]): void {
  p.maxLengthList(at, rows.length, DISCORD_LIMITS.rows);
  // "custom_id … must be unique per message" (https://discord.com/developers/docs/components/reference#anatomy-of-a-component-custom-id).
  const ids = rows.flatMap((r) => ((r.components ?? []) as Json[]).map((c) => c.custom_id)).filter(Boolean);
  if (new Set(ids).size !== ids.length)
    p.add(at, 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
  rows.forEach((row, i) => {
    const here = [...at, i, 'components'];
    const children = (row.components ?? []) as Json[];
    const hasSelect = children.some((c) => c.type >= 3 && c.type <= 8);
    // An action row holds up to 5 buttons, or one select menu alone.
    p.between(here, children.length, 1, hasSelect ? 1 : DISCORD_LIMITS.buttonsPerRow);
    children.forEach((c, j) => {
      const cat = [...here, j];
      // Link buttons (style 5) carry a url instead of a custom_id.
      if (!(c.type === 2 && c.style === 5)) checkCustomId(p, cat, c.custom_id);
      if (c.type === 2) p.maxLength([...cat, 'label'], c.label, DISCORD_LIMITS.buttonLabel);
      if (c.type === 3) {
        const options = (c.options ?? []) as Json[];
        p.between([...cat, 'options'], options.length, 1, DISCORD_LIMITS.selectOptions);
        options.forEach((o, k) => {
          p.maxLength([...cat, 'options', k, 'label'], o.label, DISCORD_LIMITS.selectOption);
          p.maxLength([...cat, 'options', k, 'value'], o.value, DISCORD_LIMITS.selectOption);
          p.maxLength([...cat, 'options', k, 'description'], o.description, DISCORD_LIMITS.selectOption);
        });
        const maxValues = c.max_values ?? 1;
        if (maxValues > Math.min(options.length, DISCORD_LIMITS.selectOptions))
          p.add([...cat, 'max_values'], 'NUMBER_TYPE_MAX', `int value should be <= ${options.length}.`);
      }
      p.maxLength([...cat, 'placeholder'], c.placeholder, DISCORD_LIMITS.placeholder);
    });
  });
}

/**
 * Checks a message body (create, edit, follow-up, or an interaction callback's `data`);
 * `prefix` is where it sits in the request (`['data']` for a callback). Returns Discord's 50035
 * answer, or null when Discord would take it.
 */
export function checkMessageBody(body: Json | null | undefined, prefix: string[] = []): Json | null {
  const p = new Problems();
  if (!body) return null;
  p.maxLength([...prefix, 'content'], body.content, DISCORD_LIMITS.content);
  if (typeof body.nonce === 'string') p.maxLength([...prefix, 'nonce'], body.nonce, DISCORD_LIMITS.nonce);
  if (Array.isArray(body.embeds)) checkEmbeds(p, [...prefix, 'embeds'], body.embeds);
  if (Array.isArray(body.components)) checkComponents(p, [...prefix, 'components'], body.components);
  return p.answer();
}

/** Checks a modal (interaction callback type 9): its title and custom_id. */
export function checkModal(data: Json | null | undefined): Json | null {
  const p = new Problems();
  p.maxLength(['data', 'title'], data?.title, DISCORD_LIMITS.modalTitle);
  checkCustomId(p, ['data'], data?.custom_id);
  return p.answer();
}

/** Checks a Start Thread body: the name's length and one of the documented archive durations. */
export function checkThreadBody(body: Json | null | undefined): Json | null {
  const p = new Problems();
  const { min, max } = DISCORD_LIMITS.threadName;
  p.between(['name'], typeof body?.name === 'string' ? chars(body.name.trim()) : 0, min, max);
  const archive = body?.auto_archive_duration;
  if (archive !== undefined && !(DISCORD_LIMITS.autoArchive as readonly number[]).includes(archive))
    p.add(['auto_archive_duration'], 'BASE_TYPE_CHOICES', `Value must be one of {60, 1440, 4320, 10080}.`);
  return p.answer();
}

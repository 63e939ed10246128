/**
 * Every rule the fake Slack enforces on what the bot sends, in one place so it can be checked
 * against Slack's documentation line by line. Each rule cites the page that states it. A
 * payload that breaks one is answered the way Slack answers it: HTTP 200 with
 * `{ ok: false, error: 'invalid_blocks', errors: ['… [json-pointer:/blocks/3/text/text]'] }`
 * (chat.postMessage / chat.update / chat.postEphemeral / response_url), `invalid_arguments`
 * for views, `msg_too_long` for a message text over its limit.
 *
 * Lengths are counted in characters (code points), as Slack's pages state them.
 */

// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON as the client sent it.
type Json = any;

/** The documented limits, with where each one is written. */
export const SLACK_LIMITS = {
  /** "You can include up to 50 blocks in each message" (https://docs.slack.dev/reference/block-kit/blocks). */
  messageBlocks: 50,
  /** "… and 100 blocks in modals or Home tabs" (https://docs.slack.dev/reference/block-kit/blocks). */
  viewBlocks: 100,
  /** chat.postMessage `text`: longer texts are refused with `msg_too_long` (https://docs.slack.dev/reference/methods/chat.postMessage, "Truncating content": 40,000 characters). */
  messageText: 40_000,
  /** `block_id` "Maximum length for this field is 255 characters" (every block, https://docs.slack.dev/reference/block-kit/blocks). */
  blockId: 255,
  /** `action_id` "Maximum length … 255 characters" (every interactive element, https://docs.slack.dev/reference/block-kit/block-elements). */
  actionId: 255,
  /** Section `text`: "Minimum length … 1 and maximum length … 3000 characters" (https://docs.slack.dev/reference/block-kit/blocks/section-block). */
  sectionText: 3000,
  /** Section `fields`: "Maximum number of items is 10. Maximum length for the text in each item is 2000" (https://docs.slack.dev/reference/block-kit/blocks/section-block). */
  sectionFields: 10,
  sectionFieldText: 2000,
  /** Header `text`: plain_text, "Maximum length … 150 characters" (https://docs.slack.dev/reference/block-kit/blocks/header-block). */
  headerText: 150,
  /** Context `elements`: "Maximum number of items is 10" (https://docs.slack.dev/reference/block-kit/blocks/context-block). */
  contextElements: 10,
  /** Actions `elements`: "There is a maximum of 25 elements in each action block" (https://docs.slack.dev/reference/block-kit/blocks/actions-block). */
  actionsElements: 25,
  /** Input `label`/`hint`: "Maximum length … 2000 characters" (https://docs.slack.dev/reference/block-kit/blocks/input-block). */
  inputLabel: 2000,
  /** Button `text`: plain_text, "Maximum length … 75 characters"; `value` 2000; `url` 3000 (https://docs.slack.dev/reference/block-kit/block-elements/button-element). */
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  /** Option object: `text` 75, `value` 150, `description` 75 characters (https://docs.slack.dev/reference/block-kit/composition-objects/option-object). */
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  /** Static select menus: "Maximum number of options is 100" (https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element). */
  selectOptions: 100,
  /** Select `placeholder`: "Maximum length … 150 characters" (same page). */
  placeholder: 150,
  /** Checkboxes: "A maximum of 10 options are allowed" (https://docs.slack.dev/reference/block-kit/block-elements/checkboxes-element). */
  checkboxOptions: 10,
  /** Radio buttons: "A maximum of 10 options are allowed" (https://docs.slack.dev/reference/block-kit/block-elements/radio-button-group-element). */
  radioOptions: 10,
  /** Modal `title`, `submit`, `close`: "Maximum length … 24 characters"; `private_metadata` 3000; `callback_id` 255 (https://docs.slack.dev/reference/block-kit/views). */
  viewTitle: 24,
  privateMetadata: 3000,
  callbackId: 255,
  /** response_url: "use a response_url up to five times within 30 minutes" (https://docs.slack.dev/interactivity/handling-user-interaction#message_responses). */
  responseUrlUses: 5,
  responseUrlMinutes: 30,
} as const;

const L = SLACK_LIMITS;
const chars = (s: string) => [...s].length;

/** Collects Slack-style error strings: `<problem> [json-pointer:<path>]`. */
class Check {
  readonly errors: string[] = [];
  fail(path: string, problem: string): void {
    this.errors.push(`${problem} [json-pointer:${path}]`);
  }
  max(path: string, value: unknown, limit: number): void {
    if (typeof value === 'string' && chars(value) > limit)
      this.fail(path, `must be less than ${limit + 1} characters`);
  }
  items(path: string, list: unknown, limit: number, min = 0): void {
    if (!Array.isArray(list)) {
      this.fail(path, 'must provide an array');
      return;
    }
    if (list.length > limit) this.fail(path, `must provide no more than ${limit} items`);
    if (list.length < min) this.fail(path, `must provide at least ${min} items`);
  }
  /** A text object: `{ type: plain_text|mrkdwn, text: 1…max }`; `plainOnly` where Slack takes plain_text only. */
  text(path: string, t: Json, max: number, plainOnly = false): void {
    if (!t || typeof t !== 'object' || typeof t.text !== 'string') {
      this.fail(path, 'must provide an object');
      return;
    }
    if (t.type !== 'plain_text' && (plainOnly || t.type !== 'mrkdwn'))
      this.fail(`${path}/type`, plainOnly ? 'must be plain_text' : 'must be a valid enum value');
    if (chars(t.text) < 1) this.fail(`${path}/text`, 'must be more than 0 characters');
    this.max(`${path}/text`, t.text, max);
  }
}

function option(c: Check, path: string, o: Json): void {
  c.text(`${path}/text`, o?.text, L.optionText);
  if (typeof o?.value !== 'string') c.fail(`${path}/value`, 'must provide a string');
  c.max(`${path}/value`, o?.value, L.optionValue);
  if (o?.description !== undefined) c.text(`${path}/description`, o.description, L.optionDescription);
}

function element(c: Check, path: string, e: Json): void {
  c.max(`${path}/action_id`, e?.action_id, L.actionId);
  switch (e?.type) {
    case 'button':
      c.text(`${path}/text`, e.text, L.buttonText, true);
      c.max(`${path}/value`, e.value, L.buttonValue);
      c.max(`${path}/url`, e.url, L.buttonUrl);
      return;
    case 'static_select':
    case 'multi_static_select':
      if (e.placeholder !== undefined) c.text(`${path}/placeholder`, e.placeholder, L.placeholder, true);
      c.items(`${path}/options`, e.options, L.selectOptions, 1);
      for (const [i, o] of ((e.options ?? []) as Json[]).entries()) option(c, `${path}/options/${i}`, o);
      return;
    case 'checkboxes':
    case 'radio_buttons':
      c.items(`${path}/options`, e.options, e.type === 'checkboxes' ? L.checkboxOptions : L.radioOptions, 1);
      for (const [i, o] of ((e.options ?? []) as Json[]).entries()) option(c, `${path}/options/${i}`, o);
      return;
    case 'plain_text_input':
      if (typeof e.max_length === 'number' && e.max_length > 3000)
        c.fail(`${path}/max_length`, 'must be less than 3001'); // plain-text input element page
      return;
    case 'image':
    case 'overflow':
    case 'datepicker':
    case 'users_select':
    case 'conversations_select':
      return;
    default:
      c.fail(`${path}/type`, 'must be a valid enum value');
  }
}

function block(c: Check, path: string, b: Json): void {
  c.max(`${path}/block_id`, b?.block_id, L.blockId);
  switch (b?.type) {
    case 'section':
      if (b.text === undefined && b.fields === undefined) c.fail(path, 'must provide either text or fields');
      if (b.text !== undefined) c.text(`${path}/text`, b.text, L.sectionText);
      if (b.fields !== undefined) {
        c.items(`${path}/fields`, b.fields, L.sectionFields, 1);
        for (const [i, f] of ((b.fields ?? []) as Json[]).entries())
          c.text(`${path}/fields/${i}`, f, L.sectionFieldText);
      }
      if (b.accessory !== undefined) element(c, `${path}/accessory`, b.accessory);
      return;
    case 'header':
      c.text(`${path}/text`, b.text, L.headerText, true);
      return;
    case 'context':
      c.items(`${path}/elements`, b.elements, L.contextElements, 1);
      for (const [i, e] of ((b.elements ?? []) as Json[]).entries()) {
        if (e?.type === 'plain_text' || e?.type === 'mrkdwn')
          c.text(`${path}/elements/${i}`, e, L.sectionText);
        else if (e?.type !== 'image') c.fail(`${path}/elements/${i}/type`, 'must be a valid enum value');
      }
      return;
    case 'actions':
      c.items(`${path}/elements`, b.elements, L.actionsElements, 1);
      for (const [i, e] of ((b.elements ?? []) as Json[]).entries()) element(c, `${path}/elements/${i}`, e);
      return;
    case 'input':
      c.text(`${path}/label`, b.label, L.inputLabel, true);
      if (b.hint !== undefined) c.text(`${path}/hint`, b.hint, L.inputLabel, true);
      element(c, `${path}/element`, b.element);
      return;
    case 'divider':
      return;
    default:
      c.fail(`${path}/type`, 'must be a valid enum value');
  }
}

/** Slack's `errors` for the blocks of a message (or of a view, `max` 100); empty when valid. */
export function blockErrors(blocks: unknown, max: number = L.messageBlocks): string[] {
  if (blocks === undefined) return [];
  const c = new Check();
  c.items('/blocks', blocks, max);
  if (Array.isArray(blocks)) for (const [i, b] of blocks.entries()) block(c, `/blocks/${i}`, b);
  return c.errors;
}

/** The answer to a message send (`chat.postMessage`, `chat.update`, …) Slack refuses; null when it is valid. */
export function messageRefusal(args: Json): Json | null {
  const errors = blockErrors(args.blocks);
  if (errors.length > 0)
    return {
      ok: false,
      error: 'invalid_blocks',
      errors,
      response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) },
    };
  if (typeof args.text === 'string' && chars(args.text) > L.messageText)
    return { ok: false, error: 'msg_too_long' };
  if ((args.text === undefined || args.text === '') && args.blocks === undefined)
    return { ok: false, error: 'no_text' }; // chat.postMessage: "no_text — No message text provided"
  return null;
}

/** The answer to `views.open` with a view Slack refuses; null when it is valid. */
export function viewRefusal(view: Json): Json | null {
  const c = new Check();
  c.text('/view/title', view?.title, L.viewTitle, true);
  if (view?.submit !== undefined) c.text('/view/submit', view.submit, L.viewTitle, true);
  if (view?.close !== undefined) c.text('/view/close', view.close, L.viewTitle, true);
  c.max('/view/private_metadata', view?.private_metadata, L.privateMetadata);
  c.max('/view/callback_id', view?.callback_id, L.callbackId);
  const errors = [
    ...c.errors,
    ...blockErrors(view?.blocks, L.viewBlocks).map((e) => e.replace('[json-pointer:', '[json-pointer:/view')),
  ];
  if (errors.length === 0) return null;
  return {
    ok: false,
    error: 'invalid_arguments',
    response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) },
  };
}

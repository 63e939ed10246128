/**
 * Pure rendering of core {@link OutboundMessage}s into Slack `chat.postMessage` payloads
 * (Block Kit, typed with `@slack/types` through bolt), of consent prompts, and the limits of a
 * manager reply. Every text that may carry something a person typed goes through
 * {@link escapeMrkdwn}; button labels come from flow files and use plain_text.
 */
import type { types } from '@slack/bolt';
import type { ReplyLimits } from '../../src/core/commands/reply-to-manager.ts';
import type { OutboundMessage } from '../../src/core/events.ts';
import { clipEscaped, splitToFit } from '../../src/core/text-fit.ts';
import { escapeMrkdwn, formatMrkdwn, plainText } from './escape.ts';

/** Action and block ids the adapter listens for; kept in one place so inbound.ts matches them. */
export const ACTION = {
  choicePrefix: 'lb_choice_',
  multi: 'lb_multi',
  multiDone: 'lb_multi_done',
  /** A single choice among more options than buttons fit: a static select. */
  select: 'lb_choice_select',
  openDm: 'lb_open_dm',
} as const;
/** `block_id` of a question's actions block: `lb_q:<stepId>` (the step travels back with a click). */
export const QUESTION_BLOCK_PREFIX = 'lb_q:';

/** Action ids of the consent prompt's buttons. */
export const CONSENT_ACTION = { accept: 'lb_consent_accept', decline: 'lb_consent_decline' } as const;

/** A Block Kit block as leadbot sends it, or as a message read back from Slack carries it. */
export type SlackBlock = types.KnownBlock;

export interface SlackMessagePayload {
  /** Notification / fallback text (escaped, like the blocks). */
  text: string;
  blocks: SlackBlock[];
}

/** Slack's limit of a section block's text (https://docs.slack.dev/reference/block-kit/blocks/section-block). */
export const SECTION_TEXT_MAX = 3000;

/** A manager reply: one section block per message, so the section's limit is the message's. */
export const SLACK_REPLY_LIMITS: ReplyLimits = { maxLength: SECTION_TEXT_MAX, escape: escapeMrkdwn };

/** Slack's Block Kit limits the renderers meet (https://docs.slack.dev/reference/block-kit/…). */
export const SLACK_BLOCK_LIMITS = {
  /** Blocks of one message (…/blocks). */
  blocks: 50,
  /** Elements of one actions block (…/blocks/actions-block): more choices become a select menu. */
  buttons: 25,
  /** Options of a checkbox group (…/block-elements/checkboxes-element): more become a multi-select. */
  checkboxes: 10,
  /** Options of a static (multi-)select menu (…/block-elements/select-menu-element). */
  selectOptions: 100,
  /** Characters of an option's value (…/composition-objects/option-object). */
  optionValue: 150,
  /** Characters of a message's `text` (chat.postMessage: `msg_too_long` above). */
  messageText: 40_000,
} as const;
const MAX_BUTTONS = SLACK_BLOCK_LIMITS.buttons;

/** A mrkdwn section of `text` escaped, clipped to the section's limit without cutting an entity. */
export function section(text: string): types.SectionBlock {
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: clipEscaped(text, SECTION_TEXT_MAX, escapeMrkdwn) },
  };
}

/** A section whose text is escaped already (a piece of a manager reply). */
export function escapedSection(text: string): types.SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function blockId(stepId: string | undefined): string {
  return `${QUESTION_BLOCK_PREFIX}${stepId ?? ''}`.slice(0, 255);
}

/**
 * One outbound message as a Slack payload.
 * @param isDirect whether the target is a DM; `offerPrivate` is honoured only outside DMs.
 */
export function renderMessage(msg: OutboundMessage, isDirect: boolean): SlackMessagePayload {
  // A long text becomes several sections (one message holds 50 blocks; one is kept for buttons),
  // split after formatting so no escape or link is cut.
  const text = clipEscaped(msg.text, SLACK_BLOCK_LIMITS.messageText, formatMrkdwn);
  const blocks: SlackBlock[] = splitToFit(msg.text, SECTION_TEXT_MAX, formatMrkdwn)
    .slice(0, SLACK_BLOCK_LIMITS.blocks - 1)
    .map(escapedSection);
  if (msg.offerPrivate && !isDirect) {
    blocks.push({
      type: 'actions',
      block_id: blockId(msg.stepId),
      elements: [
        {
          type: 'button',
          action_id: ACTION.openDm,
          text: plainText('Continue in a private message'),
          style: 'primary',
          value: msg.stepId ?? 'start',
        },
      ],
    });
    return { text, blocks };
  }
  const choices = msg.choices ?? [];
  const options = () =>
    choices.slice(0, SLACK_BLOCK_LIMITS.selectOptions).map((c) => ({
      text: plainText(c.label),
      // Longer values are refused when the flow loads (sendLimits, tools.ts); never sent invalid.
      value: c.value.slice(0, SLACK_BLOCK_LIMITS.optionValue),
    }));
  if (choices.length > 0 && msg.multiple) {
    // Up to 10 options as checkboxes; more (a checkbox group holds 10) as a multi-select menu,
    // so no option is ever left out. Both report `selected_options` under the same action id.
    const picker: types.Checkboxes | types.MultiStaticSelect =
      choices.length <= SLACK_BLOCK_LIMITS.checkboxes
        ? { type: 'checkboxes', action_id: ACTION.multi, options: options() }
        : {
            type: 'multi_static_select',
            action_id: ACTION.multi,
            placeholder: plainText('Choose any that apply', 150),
            options: options(),
          };
    blocks.push({
      type: 'actions',
      block_id: blockId(msg.stepId),
      elements: [
        picker,
        {
          type: 'button',
          action_id: ACTION.multiDone,
          text: plainText('Done'),
          style: 'primary',
          value: 'done',
        },
      ],
    });
  } else if (choices.length > MAX_BUTTONS) {
    blocks.push({
      type: 'actions',
      block_id: blockId(msg.stepId),
      elements: [
        {
          type: 'static_select',
          action_id: ACTION.select,
          placeholder: plainText('Choose one', 150),
          options: options(),
        },
      ],
    });
  } else if (choices.length > 0) {
    blocks.push({
      type: 'actions',
      block_id: blockId(msg.stepId),
      elements: choices.map((c, i) => ({
        type: 'button',
        action_id: `${ACTION.choicePrefix}${i}`,
        text: plainText(c.label),
        value: c.value.slice(0, 2000),
      })),
    });
  }
  return { text, blocks };
}

/** Renders a batch in order (one Slack message each). */
export function renderMessages(msgs: OutboundMessage[], isDirect: boolean): SlackMessagePayload[] {
  return msgs.map((m) => renderMessage(m, isDirect));
}

/**
 * A message's blocks with its buttons replaced by a context line (`note`, already mrkdwn), so
 * the buttons cannot be used twice and the channel sees what happened.
 */
export function withoutButtons(blocks: SlackBlock[], note: string): SlackBlock[] {
  const kept = blocks.filter((b) => b.type !== 'actions');
  kept.push({ type: 'context', elements: [{ type: 'mrkdwn', text: note }] });
  return kept;
}

/**
 * The clicked question message after the answer: same text, buttons replaced by the answer
 * so the question cannot be answered twice and the channel shows what was picked.
 */
export function renderAnswered(blocks: SlackBlock[], answerLabels: string[]): SlackBlock[] {
  return withoutButtons(blocks, `:white_check_mark: ${escapeMrkdwn(answerLabels.join(', '))}`);
}

/** Finds the labels of the clicked values among the message's own buttons/checkboxes. */
export function labelsFor(blocks: SlackBlock[], values: string[]): string[] {
  const labels = new Map<string, string>();
  for (const b of blocks) {
    if (b.type !== 'actions') continue;
    for (const el of b.elements) {
      if (el.type === 'button' && typeof el.value === 'string') labels.set(el.value, el.text.text);
      if (el.type === 'checkboxes' || el.type === 'multi_static_select' || el.type === 'static_select')
        for (const o of el.options ?? []) if (o.value !== undefined) labels.set(o.value, o.text.text);
    }
  }
  return values.map((v) => labels.get(v) ?? v);
}

/**
 * A consent button's value: the invited member, then — for a manager's `qualify` — the inviting
 * manager after a `|`, so the click itself says whom to credit (Slack ids never hold a `|`).
 */
export function consentValue(userId: string, invitedBy?: string): string {
  return invitedBy ? `${userId}|${invitedBy}` : userId;
}

/** The consent prompt posted in public: a deliberate mention of the member, escaped text, two buttons. */
export function renderConsentPrompt(userId: string, text: string, invitedBy?: string): SlackMessagePayload {
  const value = consentValue(userId, invitedBy);
  return {
    text: escapeMrkdwn(text),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `<@${userId}> ${escapeMrkdwn(text)}` } },
      {
        type: 'actions',
        block_id: 'lb_consent',
        elements: [
          {
            type: 'button',
            action_id: CONSENT_ACTION.accept,
            text: plainText('Yes, message me'),
            style: 'primary',
            value,
          },
          { type: 'button', action_id: CONSENT_ACTION.decline, text: plainText('No thanks'), value },
        ],
      },
    ],
  };
}

/**
 * Pure rendering of core {@link OutboundMessage}s into Slack `chat.postMessage` payloads
 * (Block Kit). Every text that may carry something a person typed goes through
 * {@link escapeMrkdwn}; button labels come from flow files and use plain_text.
 */
import type { OutboundMessage } from '../../src/core/events.ts';
import { escapeMrkdwn, plainText } from './escape.ts';

/** Action and block ids the adapter listens for; kept in one place so inbound.ts matches them. */
export const ACTION = {
  choicePrefix: 'lb_choice_',
  multi: 'lb_multi',
  multiDone: 'lb_multi_done',
  openDm: 'lb_open_dm',
} as const;
/** `block_id` of a question's actions block: `lb_q:<stepId>` (the step travels back with a click). */
export const QUESTION_BLOCK_PREFIX = 'lb_q:';

// biome-ignore lint/suspicious/noExplicitAny: Block Kit blocks are plain JSON sent as is.
export type SlackBlock = { type: string; [key: string]: any };

export interface SlackMessagePayload {
  /** Notification / fallback text (escaped, like the blocks). */
  text: string;
  blocks: SlackBlock[];
}

const MAX_BUTTONS = 25; // Slack's limit of elements in one actions block

function section(text: string): SlackBlock {
  // Section text is limited to 3000 characters by Slack.
  return { type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(text).slice(0, 3000) } };
}

function blockId(stepId: string | undefined): string {
  return `${QUESTION_BLOCK_PREFIX}${stepId ?? ''}`.slice(0, 255);
}

/**
 * One outbound message as a Slack payload.
 * @param isDirect whether the target is a DM; `offerPrivate` is honoured only outside DMs.
 */
export function renderMessage(msg: OutboundMessage, isDirect: boolean): SlackMessagePayload {
  const text = escapeMrkdwn(msg.text);
  const blocks: SlackBlock[] = [section(msg.text)];
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
  if (choices.length > 0 && msg.multiple) {
    blocks.push({
      type: 'actions',
      block_id: blockId(msg.stepId),
      elements: [
        {
          type: 'checkboxes',
          action_id: ACTION.multi,
          options: choices.slice(0, 10).map((c) => ({ text: plainText(c.label), value: c.value })),
        },
        {
          type: 'button',
          action_id: ACTION.multiDone,
          text: plainText('Done'),
          style: 'primary',
          value: 'done',
        },
      ],
    });
  } else if (choices.length > 0) {
    blocks.push({
      type: 'actions',
      block_id: blockId(msg.stepId),
      elements: choices.slice(0, MAX_BUTTONS).map((c, i) => ({
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
 * The clicked question message after the answer: same text, buttons replaced by the answer
 * so the question cannot be answered twice and the channel shows what was picked.
 */
export function renderAnswered(blocks: SlackBlock[], answerLabels: string[]): SlackBlock[] {
  const kept = blocks.filter((b) => b.type !== 'actions');
  kept.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `:white_check_mark: ${escapeMrkdwn(answerLabels.join(', '))}` }],
  });
  return kept;
}

/** Finds the labels of the clicked values among the message's own buttons/checkboxes. */
export function labelsFor(blocks: SlackBlock[], values: string[]): string[] {
  const labels = new Map<string, string>();
  for (const b of blocks) {
    if (b.type !== 'actions' || !Array.isArray(b.elements)) continue;
    for (const el of b.elements) {
      if (el.type === 'button' && typeof el.value === 'string')
        labels.set(el.value, el.text?.text ?? el.value);
      for (const o of el.options ?? []) labels.set(o.value, o.text?.text ?? o.value);
    }
  }
  return values.map((v) => labels.get(v) ?? v);
}

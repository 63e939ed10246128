/**
 * What a flow asks a platform to send, as data, and the check of it against a platform's
 * limits. A renderer meets some limits on its own (a long message is split; too many options
 * become a menu): those are not reported. What it cannot meet without changing the author's
 * words — a label longer than a button allows, an option value the platform cannot carry, more
 * options than its largest menu — is reported with its path in the flow file, at load time
 * (`leadbot flows validate`, and `leadbot start` for the enabled platforms).
 */
import type { FlowDefinition } from './schema.ts';

/** Limits of one platform that a flow's authored text can exceed. Omitted: no limit to check. */
export interface SendLimits {
  /** Display name of the platform, for messages (`Discord`). */
  platform: string;
  /** Characters of a choice's visible label (a button or a menu entry). */
  optionLabel?: number;
  /** Characters of a choice's value as the platform carries it back. */
  optionValue?: number;
  /** Options of one question (the largest menu the platform offers). */
  options?: number;
  /** Options of a multiple choice (its largest multi-select). */
  multiOptions?: number;
  /** Characters of one message of the bot's own text (after variables, which cannot be known here: static text only). */
  text?: number;
}

/** One problem: its path in the flow file and what is wrong. */
export interface SendProblem {
  path: string;
  message: string;
}

/** Characters as a person counts them (code points), which is what platforms count. */
export function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Every limit of `limits` that `flow` exceeds, in file order. */
export function checkSendable(flow: FlowDefinition, limits: SendLimits): SendProblem[] {
  const problems: SendProblem[] = [];
  const over = (path: string, what: string, n: number, max: number | undefined) => {
    if (max !== undefined && n > max)
      problems.push({ path, message: `${n} ${what}, ${limits.platform} allows ${max}` });
  };
  for (const [key, text] of Object.entries(flow.messages ?? {}))
    if (typeof text === 'string') over(`messages.${key}`, 'characters', charCount(text), limits.text);
  for (const [id, step] of Object.entries(flow.steps)) {
    const at = `steps.${id}`;
    over(`${at}.ask`, 'characters', charCount(step.ask), limits.text);
    if (step.retry !== undefined) over(`${at}.retry`, 'characters', charCount(step.retry), limits.text);
    const options = step.options ?? [];
    const max = step.type === 'multichoice' ? (limits.multiOptions ?? limits.options) : limits.options;
    over(`${at}.options`, 'options', options.length, max);
    options.forEach((o, i) => {
      over(`${at}.options[${i}].label`, 'characters', charCount(o.label), limits.optionLabel);
      over(`${at}.options[${i}].value`, 'characters', charCount(o.value), limits.optionValue);
    });
  }
  const f = flow.followUps;
  if (f?.reminder?.text)
    over('followUps.reminder.text', 'characters', charCount(f.reminder.text), limits.text);
  for (const [i, m] of (f?.nurture?.messages ?? []).entries())
    over(`followUps.nurture.messages[${i}].text`, 'characters', charCount(m.text), limits.text);
  if (f?.reengage) over('followUps.reengage.text', 'characters', charCount(f.reengage.text), limits.text);
  return problems;
}

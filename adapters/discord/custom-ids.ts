/**
 * The `custom_id`s leadbot puts on its buttons, menus and modals, encoded and decoded in one
 * place. Discord echoes them back verbatim on a click, so they carry everything the adapter
 * needs without server-side state: the step the choice was offered for and the value.
 * Discord limits a custom_id to 100 characters.
 */

export const CUSTOM_ID_MAX = 100;
const PREFIX = 'lb:';

export type CustomId =
  /** A button of a choice question. */
  | { kind: 'choice'; stepId: string; value: string }
  /**
   * A select menu of a choice question; the values come with the interaction. `part` numbers
   * the menus of a question with more than 25 options (one menu per 25; custom_ids must differ).
   */
  | { kind: 'select'; stepId: string; part?: number }
  /** "Continue privately" under a reply in a server channel. */
  | { kind: 'private' }
  /** "Answer" under a free-text question shown in an ephemeral reply (opens a modal). */
  | { kind: 'answer'; stepId: string }
  /** The modal that collects a free-text answer. */
  | { kind: 'modal'; stepId: string }
  /**
   * Accept / No thanks under a consent prompt; only `userId` (the invited member) may use it.
   * `invitedBy` is the Discord user id of the manager whose `qualify` posted it (absent for offers).
   */
  | { kind: 'consent'; accept: boolean; userId: string; invitedBy?: string };

/** The text input inside the answer modal. */
export const ANSWER_INPUT_ID = 'answer';

const CODES = { choice: 'c', select: 's', private: 'p', answer: 'a', modal: 'm' } as const;

/** Encodes a custom id; the result may exceed {@link CUSTOM_ID_MAX} (callers check). */
export function encodeCustomId(id: CustomId): string {
  switch (id.kind) {
    case 'private':
      return `${PREFIX}${CODES.private}`;
    case 'choice':
      return `${PREFIX}${CODES.choice}:${encodeURIComponent(id.stepId)}:${id.value}`;
    case 'consent':
      return `${PREFIX}${id.accept ? 'y' : 'n'}:${id.userId}${id.invitedBy ? `:${id.invitedBy}` : ''}`;
    case 'select':
      // `#` cannot occur in an encoded step id, so the part number after it is unambiguous.
      return `${PREFIX}${CODES.select}:${encodeURIComponent(id.stepId)}${id.part ? `#${id.part}` : ''}`;
    default:
      return `${PREFIX}${CODES[id.kind]}:${encodeURIComponent(id.stepId)}`;
  }
}

/** Decodes a custom id leadbot made; null for anything else (another bot's, or garbage). */
export function decodeCustomId(raw: string): CustomId | null {
  if (!raw.startsWith(PREFIX)) return null;
  const rest = raw.slice(PREFIX.length);
  if (rest === CODES.private) return { kind: 'private' };
  const code = rest.slice(0, 2);
  const body = rest.slice(2);
  const consent = /^(\d{1,21})(?::(\d{1,21}))?$/.exec(body);
  if ((code === 'y:' || code === 'n:') && consent) {
    const [, userId, invitedBy] = consent;
    return { kind: 'consent', accept: code === 'y:', userId: userId!, ...(invitedBy ? { invitedBy } : {}) };
  }
  const step = (s: string): string | null => {
    try {
      return decodeURIComponent(s);
    } catch {
      return null;
    }
  };
  if (code === `${CODES.choice}:`) {
    const sep = body.indexOf(':');
    if (sep < 0) return null;
    const stepId = step(body.slice(0, sep));
    return stepId === null ? null : { kind: 'choice', stepId, value: body.slice(sep + 1) };
  }
  if (code === `${CODES.select}:`) {
    const [encoded = '', part] = body.split('#');
    const stepId = step(encoded);
    if (stepId === null || (part !== undefined && !/^\d{1,2}$/.test(part))) return null;
    return { kind: 'select', stepId, ...(part ? { part: Number(part) } : {}) };
  }
  const stepId = step(body);
  if (stepId === null) return null;
  if (code === `${CODES.answer}:`) return { kind: 'answer', stepId };
  if (code === `${CODES.modal}:`) return { kind: 'modal', stepId };
  return null;
}

/**
 * Text hygiene at the core's door. Every inbound event, manager command and public message the
 * core reads passes {@link sanitizeText} first (engine.handle, the person commands, the command
 * layer, intent offers), so what is stored and shown to reps is text a person could see:
 *
 * - well-formed UTF-16 (`toWellFormed`: a lone surrogate becomes U+FFFD) — PostgreSQL refuses
 *   the invalid UTF-8 a lone surrogate encodes to, and SQLite would store it;
 * - no NUL and no other C0/C1 control characters, except tab and line feed (a carriage return
 *   becomes a line feed) — PostgreSQL cannot store NUL in text or jsonb at all;
 * - no bidirectional embedding, override or isolate characters (U+202A–U+202E, U+2066–U+2069):
 *   they reorder how the text *around* them is displayed ("Trojan Source", `exe.txt` shown as
 *   `txt.exe`), in the dashboard, in alerts and in lead cards. The marks LRM, RLM and ALM
 *   (U+200E, U+200F, U+061C) are kept: right-to-left writers type them, and unlike the
 *   overrides they cannot move strongly directional text;
 * - text made only of invisible characters (whitespace, zero-width characters, variation
 *   selectors, Hangul fillers, the Braille blank, the kept marks — every Default_Ignorable code
 *   point) becomes empty, so a step's validation asks again instead of storing a blank name.
 *
 * Zero-width characters *inside* visible text are kept: ZWJ builds emoji sequences and ZWNJ is
 * part of Persian and Indic spelling. Nothing is trimmed and nothing else changes, so the raw
 * answer keeps what the person typed as far as the database can store it.
 */
import type { InboundEvent, Place } from './events.ts';

/** C0 controls but tab (U+0009) and line feed (U+000A), DEL, and the C1 block. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
/** Bidi embeddings (LRE, RLE), pop (PDF), overrides (LRO, RLO) and isolates (LRI, RLI, FSI, PDI). */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
/** Nothing a reader would see: whitespace and default-ignorable code points (plus the Braille blank). */
const INVISIBLE_ONLY = /^[\s\p{Default_Ignorable_Code_Point}\u2800]*$/u;
/** Quick test for the common case: plain printable text needs no rewriting. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting them is the point
const NEEDS_WORK = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

/**
 * The hygienic form of a text a person sent (see the module comment for what it removes).
 * Idempotent; ordinary visible text comes back unchanged.
 */
export function sanitizeText(raw: string): string {
  let text = raw.isWellFormed() ? raw : raw.toWellFormed();
  if (NEEDS_WORK.test(text)) {
    text = text.replace(/\r\n?/g, '\n').replace(CONTROLS, '').replace(BIDI_CONTROLS, '');
  }
  return INVISIBLE_ONLY.test(text) ? '' : text;
}

/**
 * The least change that lets any database store a string: well-formed UTF-16, no NUL. For the
 * store's own guard (src/store) and for identifiers, which must not be rewritten further.
 */
export function storableText(raw: string): string {
  if (raw.isWellFormed() && !raw.includes('\u0000')) return raw;
  return raw.toWellFormed().replaceAll('\u0000', '');
}

/**
 * `value` with every string in it (object keys included) made {@link storableText}. Plain
 * objects and arrays are copied only where something changed; other objects (dates, buffers,
 * Prisma's null markers) are returned as they are.
 */
export function storableValue<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const next = storableValue(value[i]);
      if (next === value[i]) continue;
      out ??= value.slice();
      out[i] = next;
    }
    return (out ?? value) as T;
  }
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let out: Record<string, unknown> | undefined;
  for (const [key, v] of Object.entries(value)) {
    const k = storableText(key);
    const next = storableValue(v);
    if (k === key && next === v) continue;
    const copy: Record<string, unknown> = out ?? { ...(value as Record<string, unknown>) };
    if (k !== key) delete copy[key];
    copy[k] = next;
    out = copy;
  }
  return (out ?? value) as T;
}

/** `text` sanitized, or undefined when nothing visible is left. */
function optional(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const clean = sanitizeText(text);
  return clean === '' ? undefined : clean;
}

/** A place with storable ids and its names sanitized (dropped when nothing visible is left). */
function sanitizePlace(p: Place): Place {
  const workspaceName = optional(p.workspaceName);
  const channelName = optional(p.channelName);
  return {
    workspaceId: storableText(p.workspaceId),
    channelId: storableText(p.channelId),
    ...(workspaceName === undefined ? {} : { workspaceName }),
    ...(channelName === undefined ? {} : { channelName }),
  };
}

/**
 * The event with every text field sanitized: message text, choice values and step, command
 * name and arguments, the unsupported reason, display name, username, profile link, workspace and
 * channel names (the event's and those of the place it came from) and campaign (those dropped when nothing visible is left). Identifiers are only made storable. `raw` is
 * left alone: the core never reads it.
 */
export function sanitizeEvent(e: InboundEvent): InboundEvent {
  const origin = {
    ...e,
    workspaceId: storableText(e.workspaceId),
    channelId: storableText(e.channelId),
    userId: storableText(e.userId),
    eventId: storableText(e.eventId),
    username: optional(e.username),
    displayName: optional(e.displayName),
    profileUrl: optional(e.profileUrl),
    workspaceName: optional(e.workspaceName),
    channelName: optional(e.channelName),
    campaign: optional(e.campaign),
    cameFrom: e.cameFrom && sanitizePlace(e.cameFrom),
  };
  for (const key of [
    'username',
    'displayName',
    'profileUrl',
    'workspaceName',
    'channelName',
    'campaign',
    'cameFrom',
  ] as const)
    if (origin[key] === undefined) delete origin[key];
  switch (e.kind) {
    case 'message':
      return { ...origin, kind: 'message', text: sanitizeText(e.text) };
    case 'choice':
      return {
        ...origin,
        kind: 'choice',
        values: e.values.map(sanitizeText),
        ...(e.stepId === undefined ? {} : { stepId: sanitizeText(e.stepId) }),
      };
    case 'command':
      return { ...origin, kind: 'command', name: sanitizeText(e.name), args: e.args.map(sanitizeText) };
    case 'unsupported':
      return { ...origin, kind: 'unsupported', reason: sanitizeText(e.reason) };
  }
}

/**
 * Validation of manager commands with zod: each subcommand has a schema over its argument
 * list; a wrong subcommand or argument yields the usage to show, never a half-run command.
 */
import { z } from 'zod';
import { durationMs } from '../duration.ts';
import { STAGES, type Stage } from '../ports/index.ts';
import type { CommandArg, CommandInput } from './types.ts';

/** A member mentioned, or a lead id typed. */
export type Target = { kind: 'member'; userId: string } | { kind: 'lead'; leadId: string };

export interface ListFilters {
  stage?: Stage;
  owner?: { userId: string };
  source?: string;
  since?: Date;
  cursor?: string;
}

export type ParsedCommand =
  | { sub: 'help' }
  | { sub: 'qualify'; member: string }
  | { sub: 'lead'; target: Target }
  | { sub: 'leads'; filters: ListFilters }
  | { sub: 'stage'; target: Target; stage: Stage; reason: string }
  | { sub: 'assign'; target: Target; rep: string }
  | { sub: 'note'; target: Target; text: string }
  | { sub: 'export'; filters: ListFilters }
  | { sub: 'forget'; target: Target }
  | { sub: 'stats' }
  | { sub: 'unlink'; member: string };

export const USAGE: Record<ParsedCommand['sub'], string> = {
  help: 'help — this list',
  qualify: 'qualify @member — invite a member to qualify (they must accept before any DM)',
  lead: 'lead @member|<lead id> — the lead card',
  leads: 'leads [stage] [@owner] [source] [since YYYY-MM-DD or 7d] — list leads, 20 per page',
  stage: 'stage @member|<lead id> SQL|MQL|cold|disqualified <reason> — change the stage (audited)',
  assign: 'assign @member|<lead id> @rep — set the owner',
  note: 'note @member|<lead id> <text> — add a note',
  export: 'export [stage] [@owner] [source] [since] — CSV file of the leads',
  forget: 'forget @member|<lead id> — erase the person everywhere',
  stats: 'stats — counts per stage and conversion by source',
  unlink: 'unlink @member — detach this account from its lead',
};

/** The full usage text. */
export function usage(): string {
  return ['Usage: /leadbot <subcommand>', ...Object.values(USAGE).map((u) => `• ${u}`)].join('\n');
}

const member = z.object({
  kind: z.literal('member', { error: 'expected a member mention (@name)' }),
  userId: z.string().min(1),
});
const word = z.object({ kind: z.literal('text'), value: z.string().min(1) });
const target = z.union([
  member,
  word.transform((w, ctx) => {
    if (!/^[A-Za-z0-9_-]{6,64}$/.test(w.value)) {
      ctx.addIssue({ code: 'custom', message: `"${w.value}" is neither a member nor a lead id` });
      return z.NEVER;
    }
    return { kind: 'lead' as const, leadId: w.value };
  }),
]);
const stageWord = word.transform((w, ctx) => {
  const found = STAGES.find((s) => s.toLowerCase() === w.value.toLowerCase());
  if (!found) {
    ctx.addIssue({ code: 'custom', message: `"${w.value}" is not a stage (${STAGES.join(', ')})` });
    return z.NEVER;
  }
  return found;
});
/** A word of free text: a mention inside a note or reason stays text (as typed). */
const textWord = z.union([
  word.transform((w) => w.value),
  member.extend({ raw: z.string().optional() }).transform((m) => m.raw ?? `@${m.userId}`),
]);
const joined = (ws: string[]) => ws.join(' ');

const SINCE = /^(\d{4}-\d{2}-\d{2}|\d+d)$/;

function filters(args: CommandArg[], now: Date): ListFilters {
  const f: ListFilters = {};
  for (const a of args) {
    if (a.kind === 'member') {
      f.owner = { userId: a.userId };
      continue;
    }
    const v = a.value;
    const stage = STAGES.find((s) => s.toLowerCase() === v.toLowerCase());
    if (stage && !f.stage) f.stage = stage;
    else if (v.startsWith('page:')) f.cursor = v.slice(5);
    else if (SINCE.test(v) && !f.since) {
      const days = durationMs(v, ['d']);
      f.since = days !== null ? new Date(now.getTime() - days) : new Date(`${v}T00:00:00.000Z`);
      if (Number.isNaN(f.since.getTime()))
        throw new z.ZodError([{ code: 'custom', message: `bad date ${v}`, path: [], input: v }]);
    } else if (!f.source && /^[\w.-]{1,64}$/.test(v)) f.source = v;
    else throw new z.ZodError([{ code: 'custom', message: `unexpected "${v}"`, path: [], input: v }]);
  }
  return f;
}

export type ParseResult =
  | { ok: true; command: ParsedCommand; public: boolean }
  | { ok: false; error: string; usage: string };

/** Validates a command; `public` as last word asks for a reply visible to the channel. */
export function parseCommand(input: CommandInput, now: Date): ParseResult {
  const sub = input.sub.toLowerCase();
  let args = input.args;
  const last = args.at(-1);
  const freeText = sub === 'note' || sub === 'stage';
  const isPublic = !freeText && last?.kind === 'text' && last.value.toLowerCase() === 'public';
  if (isPublic) args = args.slice(0, -1);
  const known = sub in USAGE;
  if (!known) {
    const error = sub === '' ? 'Which subcommand?' : `Unknown subcommand "${input.sub}".`;
    return { ok: false, error, usage: usage() };
  }
  const s = sub as ParsedCommand['sub'];
  try {
    return { ok: true, command: parseSub(s, args, now), public: isPublic };
  } catch (err) {
    const message = err instanceof z.ZodError ? (err.issues[0]?.message ?? 'invalid arguments') : String(err);
    return { ok: false, error: message, usage: `Usage: /leadbot ${USAGE[s]}` };
  }
}

function parseSub(sub: ParsedCommand['sub'], args: CommandArg[], now: Date): ParsedCommand {
  const exact = <T extends z.ZodType>(schema: T) => schema.parse(args) as z.output<T>;
  switch (sub) {
    case 'help':
      return { sub };
    case 'stats':
      exact(z.tuple([]));
      return { sub };
    case 'qualify':
    case 'unlink': {
      const [m] = exact(z.tuple([member], { message: 'mention exactly one member' }));
      return { sub, member: m.userId };
    }
    case 'lead':
    case 'forget': {
      const [t] = exact(z.tuple([target], { message: 'name one member or lead id' }));
      return { sub, target: t };
    }
    case 'stage': {
      const [t, stage, ...reason] = exact(z.tuple([target, stageWord], textWord));
      if (reason.length === 0)
        throw new z.ZodError([
          { code: 'custom', message: 'say why (a reason is required)', path: [], input: args },
        ]);
      return { sub, target: t, stage, reason: joined(reason) };
    }
    case 'assign': {
      const [t, rep] = exact(z.tuple([target, member], { message: 'name the lead and mention the rep' }));
      return { sub, target: t, rep: rep.userId };
    }
    case 'note': {
      const [t, ...text] = exact(z.tuple([target], textWord));
      if (text.length === 0)
        throw new z.ZodError([
          { code: 'custom', message: 'the note text is missing', path: [], input: args },
        ]);
      return { sub, target: t, text: joined(text) };
    }
    case 'leads':
    case 'export':
      return { sub, filters: filters(args, now) };
  }
}

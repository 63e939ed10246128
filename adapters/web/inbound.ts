/**
 * Pure mapping of a web chat request (the JSON the widget posts) to an {@link InboundEvent}.
 * The visitor id (random, kept in the browser's localStorage) is the user and the channel;
 * the event id is `<visitorId>:<client-generated message id>`, so a retried request is
 * de-duplicated by the engine on `(web, eventId)` and no visitor can take another visitor's
 * event ids first. Visitors are anonymous (`leadOnAnswer`): no row is written for them until
 * their first answer; `stepId` names the question an answer is for.
 */
import { z } from 'zod';
import type { InboundEvent } from '../../src/core/events.ts';
import { badRequest } from './errors.ts';

const id = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 characters among A-Z, a-z, 0-9, _ and -');
const short = z.string().max(200);
/** Typed text, counted in characters as the person sees them (an emoji is one, as in flows). */
const MAX_TEXT = 2000;
const typed = z
  .string()
  .max(2 * MAX_TEXT)
  .refine((t) => [...t].length <= MAX_TEXT, `must be at most ${MAX_TEXT} characters`);

/** Where the visitor came from, as the page saw it. */
export const sourceSchema = z
  .object({
    utm_source: short.optional(),
    utm_medium: short.optional(),
    utm_campaign: short.optional(),
    referrer: z.string().max(2000).optional(),
  })
  .optional();

export const webRequestSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('message'),
    visitorId: id,
    eventId: id,
    stepId: short.optional(),
    text: typed,
    source: sourceSchema,
  }),
  z.object({
    kind: z.literal('choice'),
    visitorId: id,
    eventId: id,
    stepId: short.optional(),
    values: z.array(short).min(1).max(50),
    source: sourceSchema,
  }),
  z.object({
    kind: z.literal('command'),
    visitorId: id,
    eventId: id,
    name: z.enum(['start', 'restart', 'stop']),
    source: sourceSchema,
  }),
]);

export type WebRequest = z.infer<typeof webRequestSchema>;
export type WebSource = z.infer<typeof sourceSchema>;

/**
 * The lead's campaign from the page's UTM parameters (`source/medium/campaign`, the ones
 * present), else the referring site (`ref:host`), else none.
 */
export function campaignOf(source: WebSource): string | undefined {
  if (!source) return undefined;
  const utm = [source.utm_source, source.utm_medium, source.utm_campaign]
    .map((v) => v?.trim())
    .filter((v): v is string => !!v);
  if (utm.length > 0) return utm.join('/').slice(0, 200);
  if (source.referrer) {
    try {
      const host = new URL(source.referrer).hostname;
      if (host) return `ref:${host}`;
    } catch {
      // A referrer that is no URL carries no useful source.
    }
  }
  return undefined;
}

/**
 * Validates the body and maps it. Returns null for what needs no answer (an empty message);
 * throws a BAD_INPUT `LeadbotError` naming the first problem for a malformed body.
 */
export function toInboundEvent(body: unknown): InboundEvent | null {
  const parsed = webRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(`${issue?.path.join('.') || 'body'} ${issue?.message ?? 'is invalid'}`);
  }
  const r = parsed.data;
  const campaign = campaignOf(r.source);
  const origin = {
    platform: 'web' as const,
    workspaceId: '',
    channelId: r.visitorId,
    userId: r.visitorId,
    isDirect: true,
    eventId: `${r.visitorId}:${r.eventId}`,
    leadOnAnswer: true,
    ...(campaign ? { campaign } : {}),
    raw: r,
  };
  switch (r.kind) {
    case 'message': {
      const text = r.text.trim();
      return text ? { ...origin, kind: 'message', text, ...(r.stepId ? { stepId: r.stepId } : {}) } : null;
    }
    case 'choice':
      return { ...origin, kind: 'choice', values: r.values, ...(r.stepId ? { stepId: r.stepId } : {}) };
    case 'command':
      return { ...origin, kind: 'command', name: r.name, args: [] };
  }
}

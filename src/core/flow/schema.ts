/**
 * The shape of a flow file (YAML or JSON), checked by zod. Cross-references (step ids,
 * variables, reachability) are checked afterwards by `validate.ts`, which knows the whole flow.
 */
import { z } from 'zod';
import { durationText } from '../duration.ts';

const ID = /^[A-Za-z][A-Za-z0-9_-]*$/;
const idString = z.string().regex(ID, 'must start with a letter and hold only letters, digits, _ or -');

/** A value a condition compares against. */
const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** Conditions over variables: comparisons, membership, existence and boolean combinators. */
export type Condition =
  | { var: string; equals: string | number | boolean }
  | { var: string; notEquals: string | number | boolean }
  | { var: string; in: (string | number | boolean)[] }
  | { var: string; contains: string | number | boolean }
  | { var: string; gt: number }
  | { var: string; gte: number }
  | { var: string; lt: number }
  | { var: string; lte: number }
  | { var: string; exists: boolean }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ var: z.string(), equals: scalar }),
    z.strictObject({ var: z.string(), notEquals: scalar }),
    z.strictObject({ var: z.string(), in: z.array(scalar).min(1) }),
    z.strictObject({ var: z.string(), contains: scalar }),
    z.strictObject({ var: z.string(), gt: z.number() }),
    z.strictObject({ var: z.string(), gte: z.number() }),
    z.strictObject({ var: z.string(), lt: z.number() }),
    z.strictObject({ var: z.string(), lte: z.number() }),
    z.strictObject({ var: z.string(), exists: z.boolean() }),
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
  ]),
);

/** `end` finishes the flow; anything else names a step. */
const target = z.string().min(1);

const branch = z.strictObject({ if: conditionSchema.optional(), goto: target });
export type Branch = z.infer<typeof branch>;

const optionSchema = z.strictObject({
  value: z.string().min(1),
  label: z.string().min(1),
  points: z.number().int().optional(),
  /** Why the points were given, shown in the score breakdown. */
  reason: z.string().optional(),
});
export type FlowOption = z.infer<typeof optionSchema>;

export const INPUT_KINDS = [
  'text',
  'email',
  'phone',
  'number',
  'url',
  'yesno',
  'choice',
  'multichoice',
] as const;
export type InputKind = (typeof INPUT_KINDS)[number];

export const LEAD_FIELDS = ['name', 'email', 'phone', 'company', 'consent'] as const;
export type LeadField = (typeof LEAD_FIELDS)[number];

const stepSchema = z.strictObject({
  /** The question; may use `{{variable}}`. */
  ask: z.string().min(1),
  type: z.enum(INPUT_KINDS),
  /** Text: length bounds. Number: value bounds. Multichoice: how many options. */
  min: z.number().optional(),
  max: z.number().optional(),
  options: z.array(optionSchema).min(1).optional(),
  /** Variable receiving the answer; defaults to the step id. */
  set: idString.optional(),
  /** Lead field filled by the answer. */
  field: z.enum(LEAD_FIELDS).optional(),
  /** Points for any accepted answer (choice options carry their own). */
  points: z.number().int().optional(),
  reason: z.string().optional(),
  /** Friendly re-ask after an invalid answer; a default per type otherwise. */
  retry: z.string().optional(),
  /** Invalid answers allowed before `onInvalid` applies. */
  maxAttempts: z.number().int().min(1).max(20).default(3),
  onInvalid: z.union([z.literal('skip'), z.literal('end'), z.strictObject({ goto: target })]).default('skip'),
  /** Next step: a step id, `end`, or branches tried in order (no match ends the flow). */
  next: z.union([target, z.array(branch).min(1)]).optional(),
});
export type FlowStep = z.infer<typeof stepSchema>;

const scoreRule = z.strictObject({
  id: idString,
  when: conditionSchema,
  points: z.number().int(),
  reason: z.string().optional(),
});
export type ScoreRule = z.infer<typeof scoreRule>;

const hardRule = z.strictObject({
  id: idString,
  when: conditionSchema,
  stage: z.enum(['MQL', 'SQL', 'disqualified']),
  reason: z.string().optional(),
});
export type HardRule = z.infer<typeof hardRule>;

/** A duration such as `30m`, `12h` or `3d`; kept as text so stored flow versions re-parse. */
export const followUpDuration = durationText();

/**
 * Where a follow-up goes: the person's chat (default), their email (with consent), or chat when
 * they have a chat we may write to and email otherwise (docs/nurture.md#email-follow-ups).
 */
export const FOLLOW_UP_CHANNELS = ['chat', 'email', 'chat-then-email'] as const;
export type FollowUpChannel = (typeof FOLLOW_UP_CHANNELS)[number];
const channel = z.enum(FOLLOW_UP_CHANNELS).default('chat');
/** An email's subject line; may use `{{variable}}`. Required when the channel can be email. */
const subject = z.string().min(1).max(200).optional();

/** Messages the bot sends later (docs/nurture.md); each is optional. */
const followUpsSchema = z.strictObject({
  /** A conversation waiting for an answer this long gets a reminder, at most `max` times. */
  reminder: z
    .strictObject({
      after: followUpDuration,
      max: z.number().int().min(1).max(10).default(1),
      /** Sent before the question is asked again; may use `{{variable}}`. */
      text: z.string().min(1).optional(),
    })
    .optional(),
  /** MQLs receive these in order, one every `every`, until they engage or opt out. */
  nurture: z
    .strictObject({
      every: followUpDuration,
      channel,
      messages: z
        .array(z.strictObject({ text: z.string().min(1), link: z.url().optional(), subject }))
        .min(1),
    })
    .optional(),
  /** A cold lead with at least `minScore` points, silent for `after`, is approached once. */
  reengage: z
    .strictObject({
      after: followUpDuration,
      text: z.string().min(1),
      minScore: z.number().int().min(1).default(1),
      channel,
      subject,
    })
    .optional(),
});
export type FollowUps = z.infer<typeof followUpsSchema>;

/** An https address without credentials, as a person's browser will be sent to it. */
const httpsUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((text) => {
    try {
      const u = new URL(text);
      return u.protocol === 'https:' && !u.username && !u.password && u.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an https:// URL (no user or password in it), e.g. https://calendly.com/acme/intro');

/**
 * A meeting link offered to SQLs at the end of the flow (src/core/booking/): the URL, or the URL
 * with the query parameter that receives the lead's email (`email`, what Calendly and Cal.com
 * read) and the sentence that carries the link (`{{link}}`).
 */
const bookingSchema = z.union([
  httpsUrl,
  z.strictObject({
    url: httpsUrl,
    emailParam: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'must be a query parameter name such as email')
      .default('email'),
    text: z
      .string()
      .min(1)
      .refine((t) => t.includes('{{link}}'), 'must contain {{link}} where the link goes')
      .optional(),
  }),
]);
export type BookingSetting = z.infer<typeof bookingSchema>;

export const flowSchema = z.strictObject({
  id: idString,
  name: z.string().optional(),
  description: z.string().optional(),
  /** First step; defaults to the first step listed. */
  start: z.string().optional(),
  messages: z
    .strictObject({
      welcome: z.string().optional(),
      done: z.string().optional(),
      stopped: z.string().optional(),
      resumed: z.string().optional(),
      privateOnly: z.string().optional(),
    })
    .default({}),
  steps: z.record(idString, stepSchema).refine((s) => Object.keys(s).length > 0, 'needs at least one step'),
  scoring: z
    .strictObject({
      thresholds: z
        .strictObject({
          mql: z.number().int(),
          sql: z.number().int(),
          /** Accepted answers after which a lead counts as engaged (MQL) whatever the score. */
          mqlAnswers: z.number().int().min(1).optional(),
        })
        .refine((t) => t.sql >= t.mql, { message: 'sql must be >= mql', path: ['sql'] }),
      rules: z.array(scoreRule).default([]),
      hard: z.array(hardRule).default([]),
    })
    .default({ thresholds: { mql: 30, sql: 70 }, rules: [], hard: [] }),
  followUps: followUpsSchema.optional(),
  bookingUrl: bookingSchema.optional(),
});

/** A flow file as written (after zod defaults). */
export type FlowDefinition = z.infer<typeof flowSchema>;

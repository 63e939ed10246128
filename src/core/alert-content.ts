/**
 * What a sales alert says, independent of the platform that shows it: the Slack blocks and
 * the Discord embed are two renderings of this. Pure. Every value that came from a lead goes
 * through the platform's escape function (after clipping, so an escape is never cut in half), so a
 * prospect who types `<!channel>` or `@everyone` as their company pings nobody.
 */
import { personLabel, sourceLabel } from './people/profile.ts';
import type { AlertPayload, AlertPerson } from './ports/index.ts';
import { clip } from './text-fit.ts';

/**
 * How one platform shows a way to reach a person, given the person and their label already
 * clipped and made inert; null for the plain rendering (the label and the profile link as
 * text). Slack renders its own people as `<@U…>`, Discord as `<@id>` inside an embed (which
 * pings nobody there).
 */
export type ReachRenderer = (person: AlertPerson, label: string) => string | null;

/** A profile link an alert may show: https and nothing that could close a link or markup. */
export function safeProfileUrl(url: string | null): string | null {
  return url && /^https:\/\/[A-Za-z0-9._~/?#=&%+-]{1,300}$/.test(url) ? url : null;
}

function plainReach(p: AlertPerson, label: string): string {
  const url = safeProfileUrl(p.profileUrl);
  return `${label} on ${p.platform}${url ? ` ${url}` : ''}`;
}

export interface AlertContent {
  /** `New SQL lead`. */
  title: string;
  /** The lead's name (escaped) or `Unnamed lead`. */
  who: string;
  /** Name, Person (how to reach them), Company, Email, Source, Campaign, Score; empty values shown as `—`. */
  fields: { label: string; value: string }[];
  /** Why the lead reached its stage (escaped). */
  why: { label: string; text: string };
  /** Question and answer, each clipped then escaped. */
  answers: { question: string; answer: string }[];
  /** `+15 Actively evaluating` lines: why the score is what it is. */
  breakdown: string[];
  /** One line for notifications and plain-text fallbacks. */
  summary: string;
}

/**
 * Builds the content of an alert; `inert` makes lead-provided text inert for the platform,
 * `reach` renders a way to reach a person (see {@link ReachRenderer}).
 */
export function alertContent(
  alert: AlertPayload,
  inert: (s: string) => string,
  reach?: ReachRenderer,
): AlertContent {
  const dash = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? '—' : inert(v));
  const who = alert.name ? inert(alert.name) : 'Unnamed lead';
  const src = alert.source;
  const where = sourceLabel(src, alert.platform);
  // An account with neither a name nor a link (a web visitor) says nothing the Name does not.
  const known = (alert.people ?? []).filter((p) => personLabel(p) || safeProfileUrl(p.profileUrl));
  const people = known.map((p) => {
    const label = inert(clip(personLabel(p) ?? p.platform, 120));
    return reach?.(p, label) ?? plainReach(p, label);
  });
  const company = alert.company ? ` (${inert(alert.company)})` : '';
  return {
    title: `New ${alert.stage} lead`,
    who,
    fields: [
      { label: 'Name', value: who },
      { label: 'Person', value: people.length > 0 ? people.join('\n') : '—' },
      { label: 'Company', value: dash(alert.company) },
      { label: 'Email', value: dash(alert.email) },
      { label: 'Source', value: dash(where) },
      { label: 'Campaign', value: dash(src.campaign) },
      { label: 'Score', value: String(alert.score) },
    ],
    why: { label: `Why ${alert.stage}`, text: inert(alert.reason) },
    answers: alert.answers.map((a) => ({
      question: inert(clip(a.question, 150)),
      answer: inert(clip(a.answer, 300)),
    })),
    breakdown: alert.breakdown.map(
      (b) => `${b.points >= 0 ? '+' : ''}${b.points} ${inert(clip(b.reason, 200))}`,
    ),
    summary: `New ${alert.stage} lead: ${who}${company}, score ${alert.score}`,
  };
}

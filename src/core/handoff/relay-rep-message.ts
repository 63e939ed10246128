/**
 * A rep's reply in an alert's thread, for the prospect. In one transaction: the reply's event
 * id is recorded (a replay changes nothing), the alert names the lead, the reply policy is
 * checked, the lead's handoff is opened if it has none (the bot's "joined" line and its
 * delivery, `lead.handoff_started`), then the rep's message is stored in the transcript with
 * its `handoff_to_prospect` row (`lead.message`). The dispatcher delivers it in the person's
 * private chat. Adapters parse the thread reply into {@link RelayRepMessageInput} and render
 * the {@link RelayRepMessageResult} (e.g. an ephemeral "Claim the lead first").
 */
import type {
  AlertRef,
  Clock,
  Handoff,
  LeadEvents,
  LeadRepo,
  LeadStore,
  ProspectAddress,
} from '../ports/index.ts';
import { sanitizeText } from '../text-hygiene.ts';
import { withRetries, writeLine } from './transcript-line.ts';
import { noticeLine } from './words.ts';

/** Who may talk to the person from the thread (`HANDOFF_REPLIERS`). */
export type HandoffRepliers = 'owner' | 'channel';

export interface RelayRepMessageInput {
  alert: AlertRef;
  /** The rep, named as owners are: `<platform>:<userId>`. */
  rep: string;
  /** The rep's name as the sales platform shows it (the person sees it before the message). */
  repName: string;
  text: string;
  /** The thread reply as its platform identifies it. */
  event: { platform: string; eventId: string };
  /** `owner` (default): only the rep who claimed the lead; `channel`: anyone who sees the thread. */
  who?: HandoffRepliers;
}

export type RelayRepMessageResult =
  /** Stored and queued for the person; `opened` when this reply started the handoff. */
  | { outcome: 'relayed'; leadId: string; handoffId: string; messageId: string; opened: boolean }
  /** This very reply was handled before: nothing changed now. */
  | { outcome: 'replayed' }
  /** The thread hangs off no delivered alert (or its lead was erased). */
  | { outcome: 'unknown_alert' }
  /** The lead is not the rep's: claim it first (`ownerId`: who has it, null when nobody). */
  | { outcome: 'not_claimed'; ownerId: string | null }
  /** The person has no private chat the bot can write to (an email-only lead). */
  | { outcome: 'unreachable' }
  /** Nothing visible to send. */
  | { outcome: 'empty' };

/**
 * Where the person is reached privately: the newest of their conversations (always a private
 * chat) with the account they have on its platform.
 */
export async function prospectAddress(tx: LeadRepo, leadId: string): Promise<ProspectAddress | null> {
  const [conversations, accounts] = [await tx.listConversations(leadId), await tx.listIdentities(leadId)];
  for (const c of conversations.reverse()) {
    const account = accounts.find((i) => i.platform === c.platform && i.workspaceId === c.workspaceId);
    if (account)
      return {
        platform: c.platform,
        workspaceId: c.workspaceId,
        userId: account.userId,
        channelId: c.channelId,
      };
  }
  return null;
}

/**
 * Relays the rep's reply.
 * @throws whatever the store throws (the database away): nothing was written, the caller may
 * retry the same reply.
 */
export async function relayRepMessage(
  deps: { store: LeadStore; leadEvents: LeadEvents; clock: Clock },
  input: RelayRepMessageInput,
): Promise<RelayRepMessageResult> {
  const text = sanitizeText(input.text);
  if (text === '') return { outcome: 'empty' };
  const repName = sanitizeText(input.repName) || input.rep;
  return withRetries(() =>
    deps.store.transaction(async (tx): Promise<RelayRepMessageResult> => {
      if (!(await tx.markEventProcessed(input.event.platform, input.event.eventId)))
        return { outcome: 'replayed' };
      const leadId = await tx.handoffs.findAlertLead(input.alert);
      const lead = leadId ? await tx.getLead(leadId) : null;
      if (!lead) return { outcome: 'unknown_alert' };
      if ((input.who ?? 'owner') === 'owner' && lead.ownerId !== input.rep)
        return { outcome: 'not_claimed', ownerId: lead.ownerId };
      const t = { tx, events: deps.leadEvents, now: deps.clock.now() };

      let handoff: Handoff | null = await tx.handoffs.findOpen(lead.id);
      const opened = handoff === null;
      if (!handoff) {
        const prospect = await prospectAddress(tx, lead.id);
        if (!prospect) return { outcome: 'unreachable' };
        handoff = await tx.handoffs.open({
          leadId: lead.id,
          alert: input.alert,
          prospect,
          openedBy: input.rep,
          openedByName: repName,
          openedAt: t.now,
        });
        await t.events.announce(tx, { kind: 'handoff_started', lead, handoff });
        await writeLine(t, lead, handoff, {
          direction: 'notice',
          author: input.rep,
          authorName: repName,
          text: noticeLine({ kind: 'joined', repName }),
          toProspect: { kind: 'joined', repName },
        });
      }
      const message = await writeLine(t, lead, handoff, {
        direction: 'to_prospect',
        author: input.rep,
        authorName: repName,
        text,
        toProspect: { kind: 'rep', repName, text },
      });
      return { outcome: 'relayed', leadId: lead.id, handoffId: handoff.id, messageId: message.id, opened };
    }),
  );
}

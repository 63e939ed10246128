/**
 * One line of a handoff's transcript and the outbox rows that deliver it, written through the
 * use case's transaction: the stored message, a `handoff_to_prospect` row (the person's private
 * chat) and/or a `handoff_to_sales` row (the alert's thread), keyed by the message's id so a
 * row is written once and delivered once. The three handoff use cases share it.
 */
import { isLeadbotError } from '../errors.ts';
import {
  HANDOFF_TO_PROSPECT,
  HANDOFF_TO_SALES,
  type Handoff,
  type JsonValue,
  type Lead,
  type LeadEvents,
  type LeadRepo,
  type ProspectDelivery,
  type ThreadPost,
  type TranscriptMessage,
} from '../ports/index.ts';

export interface TranscriptLine {
  direction: TranscriptMessage['direction'];
  author: string;
  authorName: string | null;
  text: string;
  /** What the prospect's messenger delivers, if anything. */
  toProspect?: ProspectDelivery['message'];
  /** What the alert's thread shows, if anything. */
  toSales?: ThreadPost['post'];
}

/**
 * Stores `line` in the lead's transcript, queues its deliveries and (for a rep's or the
 * person's message, not the bot's notices) announces `lead.message`.
 */
export async function writeLine(
  t: { tx: LeadRepo; events: LeadEvents; now: Date },
  lead: Lead,
  handoff: Handoff,
  line: TranscriptLine,
): Promise<TranscriptMessage> {
  const message = await t.tx.handoffs.addMessage({
    leadId: lead.id,
    handoffId: handoff.id,
    direction: line.direction,
    author: line.author,
    authorName: line.authorName,
    text: line.text,
    createdAt: t.now,
  });
  if (line.toProspect) {
    const delivery: ProspectDelivery = {
      leadId: lead.id,
      handoffId: handoff.id,
      messageId: message.id,
      to: handoff.prospect,
      message: line.toProspect,
    };
    await t.tx.enqueueOutbox({
      kind: HANDOFF_TO_PROSPECT,
      idempotencyKey: `${HANDOFF_TO_PROSPECT}:${message.id}`,
      leadId: lead.id,
      payload: delivery as unknown as JsonValue,
    });
  }
  if (line.toSales) {
    const post: ThreadPost = { leadId: lead.id, alert: handoff.alert, post: line.toSales };
    await t.tx.enqueueOutbox({
      kind: HANDOFF_TO_SALES,
      idempotencyKey: `${HANDOFF_TO_SALES}:${message.id}`,
      leadId: lead.id,
      payload: post as unknown as JsonValue,
    });
  }
  if (line.direction !== 'notice') await t.events.announce(t.tx, { kind: 'message', lead, message });
  return message;
}

/**
 * Runs a handoff use case's transaction, again on a lost race (a conflict, or a handoff another
 * instance opened first): the re-run reads what the winner committed. The use cases record
 * their event id inside, so a re-run is never a double.
 */
export async function withRetries<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const lost = isLeadbotError(err, 'CONFLICT') || isLeadbotError(err, 'DUPLICATE');
      if (!lost || attempt >= attempts) throw err;
    }
  }
}

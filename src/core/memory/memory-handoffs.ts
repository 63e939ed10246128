/**
 * {@link HandoffStore} over the memory tables: handoffs, transcripts, and the lead's
 * `openHandoffId` kept with them. Writes are journaled like the repo's, so a rolled-back
 * transaction takes them back.
 */
import { LeadbotError } from '../errors.ts';
import { SALES_ALERT } from '../lead-lifecycle.ts';
import {
  ALERT_REMINDER,
  type AlertRef,
  HANDOFF_TO_SALES,
  type Handoff,
  type HandoffStore,
  type TranscriptMessage,
} from '../ports/index.ts';
import { JournaledTables } from './journaled-tables.ts';
import { copy, newId } from './memory-state.ts';

/** The alert and the bot's posts in its thread: a reply to any of them is about the alert. */
const THREAD_KINDS = new Set([SALES_ALERT, HANDOFF_TO_SALES, ALERT_REMINDER]);

const byOpened = (a: Handoff, b: Handoff) =>
  a.openedAt.getTime() - b.openedAt.getTime() || (a.id < b.id ? -1 : 1);

export class MemoryHandoffs extends JournaledTables implements HandoffStore {
  async findAlertLead(alert: AlertRef): Promise<string | null> {
    for (const row of this.tables().outbox.values())
      if (THREAD_KINDS.has(row.kind) && row.status === 'delivered' && row.externalRef === alert.externalRef)
        return row.leadId;
    return null;
  }

  async findOpen(leadId: string): Promise<Handoff | null> {
    for (const h of this.tables().handoffs.values())
      if (h.leadId === leadId && h.status === 'open') return copy(h);
    return null;
  }

  async open(input: Omit<Handoff, 'id' | 'status' | 'closedAt' | 'closedBy'>): Promise<Handoff> {
    const lead = this.requireLead(input.leadId);
    if (await this.findOpen(input.leadId))
      throw new LeadbotError('DUPLICATE', `lead ${input.leadId} has an open handoff`);
    const row: Handoff = { ...copy(input), id: newId(), status: 'open', closedAt: null, closedBy: null };
    this.put(this.tables().handoffs, row.id, row);
    this.put(this.tables().leads, lead.id, { ...lead, openHandoffId: row.id });
    return copy(row);
  }

  async close(id: string, by: string, at: Date): Promise<void> {
    const t = this.tables();
    const row = t.handoffs.get(id);
    if (row?.status !== 'open') return;
    this.put(t.handoffs, id, { ...row, status: 'closed', closedAt: at, closedBy: by });
    const lead = t.leads.get(row.leadId);
    if (lead?.openHandoffId === id) this.put(t.leads, lead.id, { ...lead, openHandoffId: null });
  }

  async list(leadId: string): Promise<Handoff[]> {
    return copy([...this.tables().handoffs.values()].filter((h) => h.leadId === leadId).sort(byOpened));
  }

  async addMessage(input: Omit<TranscriptMessage, 'id'>): Promise<TranscriptMessage> {
    this.requireLead(input.leadId);
    if (!this.tables().handoffs.has(input.handoffId))
      throw new LeadbotError('NOT_FOUND', `handoff ${input.handoffId} not found`);
    const row: TranscriptMessage = { ...copy(input), id: newId() };
    this.put(this.tables().transcript, row.id, row);
    return copy(row);
  }

  async listMessages(
    leadId: string,
    opts: { after?: string; limit?: number } = {},
  ): Promise<TranscriptMessage[]> {
    const { after } = opts;
    const rows = [...this.tables().transcript.values()]
      .filter((m) => m.leadId === leadId && (after === undefined || m.id > after))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return copy(opts.limit === undefined ? rows : rows.slice(0, opts.limit));
  }

  /** Erases the lead's handoffs and transcript (deleteLead). */
  eraseLead(leadId: string): void {
    const t = this.tables();
    for (const [id, h] of [...t.handoffs]) if (h.leadId === leadId) this.remove(t.handoffs, id);
    for (const [id, m] of [...t.transcript]) if (m.leadId === leadId) this.remove(t.transcript, id);
  }
}

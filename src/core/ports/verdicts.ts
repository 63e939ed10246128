/** Sales reps' verdicts on SQL alerts. */

export type Verdict = 'claimed' | 'rejected';

/** A sales rep's verdict on an SQL alert (Claim / Not a fit). */
export interface RepVerdict {
  id: string;
  leadId: string;
  verdict: Verdict;
  actor: string;
  reason: string | null;
  createdAt: Date;
}

/** Stored rep verdicts, read by `leadbot scoring report`. */
export interface VerdictLog {
  record(input: Omit<RepVerdict, 'id' | 'createdAt'> & { createdAt?: Date }): Promise<RepVerdict>;
  /** Every verdict, oldest first (a lead may have several; the newest counts). */
  list(): Promise<RepVerdict[]>;
  /** One lead's verdicts, oldest first (the lead card and dashboard lead page show them). */
  listForLead(leadId: string): Promise<RepVerdict[]>;
}

/**
 * `stats`: leads per stage, and conversion cold → MQL → SQL per source and per inviting
 * manager (leads who accepted a manager's `qualify`).
 */
import type { Lead, LeadRepo, Stage } from '../ports.ts';
import { STAGES } from '../ports.ts';
import { inviterKey } from '../reporting.ts';
import type { CommandDeps, CommandReply } from './types.ts';

export interface SourceStats {
  source: string;
  leads: number;
  reachedMql: number;
  reachedSql: number;
}

export interface Stats {
  perStage: Record<Stage, number>;
  bySource: SourceStats[];
  /** Rows `invited by <manager>`, only for leads a manager invited. */
  byInviter: SourceStats[];
}

const sourceOf = (l: Lead) =>
  `${l.source.platform ?? 'unknown'}${l.source.campaign ? `/${l.source.campaign}` : ''}`;

/** Reads every lead once (page by page) and its stage history. */
export async function computeStats(repo: LeadRepo): Promise<Stats> {
  const perStage = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  const by = new Map<string, SourceStats>();
  const invited = new Map<string, SourceStats>();
  const count = (map: Map<string, SourceStats>, key: string, reached: Set<Stage>) => {
    const s = map.get(key) ?? { source: key, leads: 0, reachedMql: 0, reachedSql: 0 };
    s.leads++;
    if (reached.has('SQL')) s.reachedSql++;
    if (reached.has('MQL') || reached.has('SQL')) s.reachedMql++;
    map.set(key, s);
  };
  let cursor: string | undefined;
  do {
    const page = await repo.listLeads({ limit: 500, ...(cursor ? { cursor } : {}) });
    for (const lead of page.items) {
      perStage[lead.stage]++;
      const reached = new Set<Stage>([lead.stage]);
      for (const c of await repo.listStageChanges(lead.id)) reached.add(c.to);
      count(by, sourceOf(lead), reached);
      const inviter = inviterKey(lead);
      if (inviter) count(invited, inviter, reached);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const sorted = (m: Map<string, SourceStats>) => [...m.values()].sort((a, b) => b.leads - a.leads);
  return { perStage, bySource: sorted(by), byInviter: sorted(invited) };
}

const pct = (n: number, d: number) => (d === 0 ? '–' : `${Math.round((100 * n) / d)}%`);

export async function stats(deps: CommandDeps): Promise<Omit<CommandReply, 'private'>> {
  const s = await computeStats(deps.store);
  const row = (b: SourceStats) =>
    `  ${b.source}: ${b.leads} leads, ${pct(b.reachedMql, b.leads)} to MQL, ${pct(b.reachedSql, b.reachedMql)} to SQL`;
  const lines = [
    `Per stage: ${STAGES.map((st) => `${st} ${s.perStage[st]}`).join(' · ')}`,
    'Conversion by source (cold→MQL, MQL→SQL):',
    ...(s.bySource.length ? s.bySource.map(row) : ['  (no leads yet)']),
    ...s.byInviter.map(row),
  ];
  return { text: lines.join('\n') };
}

/** `stats`: leads per stage, and conversion cold → MQL → SQL per source. */
import type { Lead, LeadRepo, Stage } from '../ports.ts';
import { STAGES } from '../ports.ts';
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
}

const sourceOf = (l: Lead) =>
  `${l.source.platform ?? 'unknown'}${l.source.campaign ? `/${l.source.campaign}` : ''}`;

/** Reads every lead once (page by page) and its stage history. */
export async function computeStats(repo: LeadRepo): Promise<Stats> {
  const perStage = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  const by = new Map<string, SourceStats>();
  let cursor: string | undefined;
  do {
    const page = await repo.listLeads({ limit: 500, ...(cursor ? { cursor } : {}) });
    for (const lead of page.items) {
      perStage[lead.stage]++;
      const reached = new Set<Stage>([lead.stage]);
      for (const c of await repo.listStageChanges(lead.id)) reached.add(c.to);
      const key = sourceOf(lead);
      const s = by.get(key) ?? { source: key, leads: 0, reachedMql: 0, reachedSql: 0 };
      s.leads++;
      if (reached.has('SQL')) s.reachedSql++;
      if (reached.has('MQL') || reached.has('SQL')) s.reachedMql++;
      by.set(key, s);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { perStage, bySource: [...by.values()].sort((a, b) => b.leads - a.leads) };
}

const pct = (n: number, d: number) => (d === 0 ? '–' : `${Math.round((100 * n) / d)}%`);

export async function stats(deps: CommandDeps): Promise<Omit<CommandReply, 'private'>> {
  const s = await computeStats(deps.store);
  const lines = [
    `Per stage: ${STAGES.map((st) => `${st} ${s.perStage[st]}`).join(' · ')}`,
    'Conversion by source (cold→MQL, MQL→SQL):',
    ...(s.bySource.length
      ? s.bySource.map(
          (b) =>
            `  ${b.source}: ${b.leads} leads, ${pct(b.reachedMql, b.leads)} to MQL, ${pct(b.reachedSql, b.reachedMql)} to SQL`,
        )
      : ['  (no leads yet)']),
  ];
  return { text: lines.join('\n') };
}

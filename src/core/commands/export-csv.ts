/**
 * `export [filters]`: the matching leads as a CSV file, produced page by page so a large
 * export never sits in memory whole. Cells that a spreadsheet would run as a formula are
 * prefixed with `'` (CSV injection).
 */
import type { Lead } from '../ports/index.ts';
import { csvLine, type LeadQuery } from '../reporting.ts';
import { toLeadFilter } from './list-leads.ts';
import type { ListFilters } from './parse.ts';
import type { CommandContext, CommandDeps, CommandReply } from './types.ts';

export const CSV_COLUMNS = [
  'id',
  'stage',
  'score',
  'name',
  'email',
  'phone',
  'company',
  'owner',
  'source_platform',
  'source_campaign',
  'consent',
  'created_at',
] as const;

const EXPORT_PAGE = 500;

function row(l: Lead): string {
  const cells = [
    l.id,
    l.stage,
    l.score,
    l.name,
    l.email,
    l.phone,
    l.company,
    l.ownerId,
    l.source.platform,
    l.source.campaign,
    l.consent,
    l.createdAt.toISOString(),
  ];
  return `${csvLine(cells)}\r\n`;
}

export function exportCsv(
  deps: CommandDeps,
  ctx: CommandContext,
  f: ListFilters,
): Omit<CommandReply, 'private'> {
  const filter = toLeadFilter(ctx, f);
  const stamp = deps.clock.now().toISOString().slice(0, 10);
  return {
    text: 'Here is the export.',
    file: {
      filename: `leads-${stamp}.csv`,
      mimeType: 'text/csv',
      async *chunks() {
        yield `${CSV_COLUMNS.join(',')}\r\n`;
        // The reporting reader's keyset pages: whole rows in one statement each (on SQLite in
        // its worker thread), the next read only once the consumer took this page.
        const query: LeadQuery = {};
        if (filter.stage) query.stage = filter.stage;
        if (filter.ownerId) query.ownerId = filter.ownerId;
        if (filter.source) query.source = filter.source;
        if (filter.since) query.since = filter.since;
        for await (const page of deps.store.reporting.leadPages(query, EXPORT_PAGE))
          yield page.map(row).join('');
      },
    },
  };
}

/** Collects a file's chunks into one buffer: for tests and small files (adapters spool to disk). */
export async function collect(chunks: AsyncIterable<string>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(Buffer.from(c, 'utf8'));
  return Buffer.concat(parts);
}

/**
 * Reads every text value a database holds, below Prisma: SQLite's bytes (`CAST(… AS BLOB)`,
 * decoded as strict UTF-8) and PostgreSQL's text and jsonb columns (as text). What the
 * driver would paper over — invalid UTF-8, a NUL — shows here.
 */
import Database from 'better-sqlite3';
import pg from 'pg';

export interface StoredText {
  table: string;
  column: string;
  /** The value, or null when its bytes are not valid UTF-8. */
  text: string | null;
}

const strict = new TextDecoder('utf-8', { fatal: true });

/** Every text value in the leadbot tables of the database at `url` (`file:` or `postgresql:`). */
export async function storedTexts(url: string): Promise<StoredText[]> {
  return url.startsWith('file:') ? sqliteTexts(url.slice('file:'.length)) : postgresTexts(url);
}

/** Values that are not valid UTF-8 or that hold a NUL: both must be empty. */
export function badTexts(texts: StoredText[]): StoredText[] {
  return texts.filter((t) => t.text === null || t.text.includes('\u0000') || !t.text.isWellFormed());
}

function sqliteTexts(path: string): StoredText[] {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_prisma%'",
      )
      .all() as { name: string }[];
    const out: StoredText[] = [];
    for (const { name: table } of tables) {
      const columns = db.prepare('SELECT name FROM pragma_table_info(?)').all(table) as { name: string }[];
      for (const { name: column } of columns) {
        const rows = db
          .prepare(`SELECT CAST("${column}" AS BLOB) AS v FROM "${table}" WHERE typeof("${column}") = 'text'`)
          .all() as { v: Buffer }[];
        for (const { v } of rows) {
          let text: string | null;
          try {
            text = strict.decode(v);
          } catch {
            text = null;
          }
          out.push({ table, column, text });
        }
      }
    }
    return out;
  } finally {
    db.close();
  }
}

async function postgresTexts(url: string): Promise<StoredText[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: columns } = await client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_prisma%'
          AND data_type IN ('text', 'jsonb', 'character varying')`,
    );
    const out: StoredText[] = [];
    for (const { table_name: table, column_name: column } of columns) {
      const { rows } = await client.query<{ v: string }>(
        `SELECT "${column}"::text AS v FROM "${table}" WHERE "${column}" IS NOT NULL`,
      );
      for (const { v } of rows) out.push({ table, column, text: v });
    }
    return out;
  } finally {
    await client.end();
  }
}

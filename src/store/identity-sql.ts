/**
 * The accounts' statements (`Identity`), raw like the rest of the hot path (raw-statements.ts):
 * inside a unit of work they go straight to the driver adapter (direct-raw.ts).
 */
import { LeadbotError } from '../core/errors.ts';
import type { Identity, IdentityKey, Lead } from '../core/ports/index.ts';
import { type Row, toIdentity, toLead } from './mappers.ts';
import type { Db, Dialect } from './prisma-types.ts';
import { insertRows, raw, selectRows, sql, storableWhere } from './raw-statements.ts';
import { isUniqueViolation } from './repo-rows.ts';

/** Inserts an identity; one that belongs to a lead already is DUPLICATE. */
export async function insertIdentity(db: Db, dialect: Dialect, row: Identity): Promise<void> {
  try {
    await insertRows(db, dialect, 'Identity', [{ ...row }]);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw new LeadbotError('DUPLICATE', `identity ${row.platform}/${row.userId} belongs to a lead`);
  }
}

/** `platform = … AND workspaceId = … AND userId = …`, the columns of `table` when given. */
export const keyIs = (key: IdentityKey, table = '') => {
  const c = (name: string) => raw(`${table}"${name}"`);
  return sql`${c('platform')} = ${key.platform} AND ${c('workspaceId')} = ${key.workspaceId} AND ${c('userId')} = ${key.userId}`;
};

/** The account behind `key`, or null. */
export async function selectIdentity(db: Db, key: IdentityKey): Promise<Identity | null> {
  const [row] = await selectRows<Row<'Identity'>>(db, 'Identity', keyIs(key), '"id"');
  return row ? toIdentity(row) : null;
}

/** A lead's accounts, oldest first. */
export async function selectIdentities(db: Db, leadId: string): Promise<Identity[]> {
  const where = sql`"leadId" = ${leadId}`;
  return (await selectRows<Row<'Identity'>>(db, 'Identity', where, '"createdAt" ASC, "id" ASC')).map(
    toIdentity,
  );
}

/** The lead behind the account `key`, or null. */
export async function selectLeadByIdentity(db: Db, key: IdentityKey): Promise<Lead | null> {
  const [row] = await db.$queryRaw<Row<'Lead'>[]>(
    sql`SELECT "Lead".* FROM "Lead" JOIN "Identity" ON "Identity"."leadId" = "Lead"."id"
        WHERE ${storableWhere(keyIs(key, '"Identity".'))}`,
  );
  return row ? toLead(row) : null;
}

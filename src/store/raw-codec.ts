/**
 * Prisma's raw path, as the driver adapter sees it (direct-raw.ts hands statements over in the
 * same shape): a `$queryRaw` call's SQL and parameters as an adapter query, the adapter's rows as
 * the objects `$queryRaw` returns, and a driver error as the `P2010` Prisma raises. Read from
 * Prisma 7's own source (serializeRawParameters, deserializeRawParameters, serializeRawSql,
 * deserializeRawResult, rethrowAsUserFacingRawError); `test/store/direct-raw.test.ts` holds both
 * paths to the same rows and errors.
 */
import { Decimal, PrismaClientKnownRequestError, Sql } from '@prisma/client/runtime/client';
import {
  type ArgScalarType,
  type ArgType,
  ColumnTypeEnum,
  isDriverAdapterError,
  type SqlQuery,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils';
import type { Dialect, Prisma } from './prisma-types.ts';

/** `$queryRaw(sql)` or `` $queryRaw`…${v}…` `` as the adapter's query, placeholders per dialect. */
export function toQuery(dialect: Dialect, args: unknown[]): SqlQuery {
  const [first, ...rest] = args;
  const statement =
    first instanceof Sql ? first : new Sql(first as readonly string[], rest as Prisma.Sql['values']);
  const values = statement.values.map(encode);
  return {
    sql: dialect === 'postgres' ? statement.text : statement.sql,
    args: values.map((v) => v.arg),
    argTypes: values.map((v) => v.type),
  };
}

/**
 * A parameter as Prisma's raw path hands it to the adapter (serializeRawParameters, then
 * deserializeRawParameters): dates as ISO text typed `datetime`, numbers typed `decimal`,
 * objects as JSON text, lists element by element.
 */
function encode(value: unknown): { arg: unknown; type: ArgType } {
  if (Array.isArray(value)) {
    const items = value.map(encode);
    return {
      arg: items.map((i) => i.arg),
      type: { scalarType: items[0]?.type.scalarType ?? 'unknown', arity: 'list' },
    };
  }
  if (value === undefined || value === null) return scalar(null, 'unknown');
  if (typeof value === 'string') return scalar(value, 'string');
  if (typeof value === 'number') return scalar(Number.isFinite(value) ? value : null, 'decimal');
  if (typeof value === 'bigint') return scalar(value.toString(), 'bigint');
  if (typeof value === 'boolean') return scalar(value, 'unknown');
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('Provided Date object is invalid');
    return scalar(value.toJSON(), 'datetime');
  }
  if (Decimal.isDecimal(value)) return scalar((value as Decimal).toJSON(), 'decimal');
  if (value instanceof Uint8Array) return scalar(Buffer.from(value).toString('base64'), 'bytes');
  return scalar(JSON.stringify(value), 'unknown');
}

function scalar(arg: unknown, scalarType: ArgScalarType): { arg: unknown; type: ArgType } {
  return { arg, type: { scalarType, arity: 'scalar' } };
}

/** Rows as objects, values as Prisma's `$queryRaw` returns them (serializeRawSql, then deserializeRawResult). */
export function decodeRows(result: SqlResultSet): Record<string, unknown>[] {
  const { columnNames, columnTypes, rows } = result;
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < columnNames.length; i++) out[columnNames[i]!] = decode(row[i], columnTypes[i]!);
    return out;
  });
}

const ARRAY_OF: Partial<Record<number, number>> = {
  [ColumnTypeEnum.Int32Array]: ColumnTypeEnum.Int32,
  [ColumnTypeEnum.Int64Array]: ColumnTypeEnum.Int64,
  [ColumnTypeEnum.JsonArray]: ColumnTypeEnum.Json,
  [ColumnTypeEnum.BooleanArray]: ColumnTypeEnum.Boolean,
  [ColumnTypeEnum.DateTimeArray]: ColumnTypeEnum.DateTime,
  [ColumnTypeEnum.DateArray]: ColumnTypeEnum.Date,
  [ColumnTypeEnum.TimeArray]: ColumnTypeEnum.Time,
  [ColumnTypeEnum.NumericArray]: ColumnTypeEnum.Numeric,
};

function decode(value: unknown, type: number): unknown {
  if (value === null || value === undefined) return null;
  const element = ARRAY_OF[type];
  if (element !== undefined) return (value as unknown[]).map((v) => decode(v, element));
  switch (type) {
    case ColumnTypeEnum.Int32:
      return Math.trunc(Number(value));
    case ColumnTypeEnum.Int64:
      return typeof value === 'number' ? BigInt(Math.trunc(value)) : BigInt(value as string);
    case ColumnTypeEnum.Json:
      return JSON.parse(value as string);
    case ColumnTypeEnum.Boolean:
      return typeof value === 'boolean' ? value : value === 'true' || value === '1' || value === 1;
    case ColumnTypeEnum.DateTime:
    case ColumnTypeEnum.Date:
      return new Date(value as string);
    case ColumnTypeEnum.Time:
      return new Date(`1970-01-01T${value as string}Z`);
    case ColumnTypeEnum.Numeric:
      return new Decimal(value as string);
    case ColumnTypeEnum.Bytes:
      throw new Error('directRaw: byte columns are not read through the direct path');
    default:
      return value;
  }
}

/** A driver error as Prisma reports a failed raw statement (P2010, the driver's error in `meta`). */
export function asRawQueryError(error: unknown): unknown {
  if (!isDriverAdapterError(error)) return error;
  const cause = error.cause as {
    originalCode?: string;
    originalMessage?: string;
    message?: string;
    kind: string;
  };
  const code = cause.originalCode ?? 'N/A';
  const message = cause.originalMessage ?? cause.message ?? cause.kind;
  return new PrismaClientKnownRequestError(`Raw query failed. Code: \`${code}\`. Message: \`${message}\``, {
    code: 'P2010',
    clientVersion: 'direct',
    meta: { driverAdapterError: error },
  });
}

/** Evaluates flow conditions against conversation variables. Never throws. */
import type { JsonValue } from '../ports/index.ts';
import type { Condition } from './schema.ts';

export type Variables = Record<string, JsonValue>;

/** A variable's value against a condition's operand: strings case-insensitively, others strictly. */
function matchesOperand(a: JsonValue | undefined, b: string | number | boolean): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return a === b;
}

function present(v: JsonValue | undefined): boolean {
  return v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
}

/**
 * True when `cond` holds. Strings compare case-insensitively; comparisons need numbers;
 * `equals`/`in`/`contains` on an array variable (multiple choice) test its members.
 */
export function evaluate(cond: Condition, vars: Variables): boolean {
  if ('all' in cond) return cond.all.every((c) => evaluate(c, vars));
  if ('any' in cond) return cond.any.some((c) => evaluate(c, vars));
  if ('not' in cond) return !evaluate(cond.not, vars);
  const v = vars[cond.var];
  const members = Array.isArray(v) ? v : [v];
  if ('exists' in cond) return present(v) === cond.exists;
  if ('equals' in cond) return members.some((m) => matchesOperand(m, cond.equals));
  if ('notEquals' in cond) return !members.some((m) => matchesOperand(m, cond.notEquals));
  if ('in' in cond) return members.some((m) => cond.in.some((x) => matchesOperand(m, x)));
  if ('contains' in cond) {
    if (typeof v === 'string') return v.toLowerCase().includes(String(cond.contains).toLowerCase());
    return Array.isArray(v) && v.some((m) => matchesOperand(m, cond.contains));
  }
  if (typeof v !== 'number') return false;
  if ('gt' in cond) return v > cond.gt;
  if ('gte' in cond) return v >= cond.gte;
  if ('lt' in cond) return v < cond.lt;
  return v <= cond.lte;
}

/** CSV as the dashboard export and the manager `export` command write it. */

/**
 * One CSV line per row (RFC 4180 quoting). Cells starting with `= + - @` get a leading `'`
 * so a spreadsheet never runs a formula someone typed into the chat.
 */
export function toCsv(rows: readonly (readonly (string | number | boolean | null)[])[]): string {
  return `${rows.map(csvLine).join('\r\n')}\r\n`;
}

/** One CSV line without its line break; the quoting of {@link toCsv}. */
export function csvLine(row: readonly (string | number | boolean | null)[]): string {
  return row.map(csvCell).join(',');
}

/** Numbers are data (a score of -5 stays -5); only typed text can smuggle a formula. */
function csvCell(v: string | number | boolean | null): string {
  if (v === null) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

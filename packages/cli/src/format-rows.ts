/** A two-column table, labels padded to one width, as the commands print their results. */
export function formatRows(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(12, ...rows.map(([k]) => k.length + 1));
  return `\n${rows.map(([k, v]) => `  ${k.padEnd(width)} ${v}`).join('\n')}\n`;
}

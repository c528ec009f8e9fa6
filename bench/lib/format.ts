// Small helpers shared by the benchmark sections: number formatting and text tables.

/** 12345 → "12,345"; keeps up to `digits` decimals. */
export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Renders rows as an aligned plain-text table (numbers right-aligned). */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  // A column is right-aligned when most of its cells are figures ("not built yet" and "—" do not count against it).
  const isFigure = (cell: string): boolean => /^[-+~≤<>=0-9.,%×]+( ?(s|B|ms|×))?$/.test(cell);
  const numeric = header.map((_, column) => {
    const cells = rows.map((row) => row[column] ?? '').filter((cell) => cell !== '—' && cell !== 'not built yet' && cell !== 'never');
    return cells.length > 0 && cells.every(isFigure);
  });
  const line = (row: readonly string[]): string =>
    row
      .map((cell, column) => (numeric[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** Renders rows as a GitHub Markdown table. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly ('l' | 'r')[]): string {
  const rule = header.map((_, column) => (align?.[column] === 'r' ? '---:' : '---'));
  return [header, rule, ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

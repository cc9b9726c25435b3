/** A Markdown table with padded columns: readable in a terminal, pasteable into docs. */
export function markdownTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  return [line(headers), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join(
    '\n',
  );
}

export const fmt = {
  int: (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a'),
  ratio: (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a'),
  ms: (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(1) : Math.round(n).toString()) : 'n/a'),
  mb: (n: number) => (Number.isFinite(n) ? n.toFixed(0) : 'n/a'),
};

/** A hard-to-miss warning on stderr. */
export function loudWarning(message: string): void {
  const bar = '!'.repeat(Math.min(100, message.length + 8));
  process.stderr.write(`\n${bar}\n!!! ${message}\n${bar}\n\n`);
}

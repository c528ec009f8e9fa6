// Edit distance, for "did you mean" hints on misspelt option names.
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

/** ` Did you mean 'x'?` when `key` is a near miss of one of `valid`, else ''. */
export function didYouMean(key: string, valid: readonly string[]): string {
  const lower = key.toLowerCase();
  const close = valid.find((v) => v.toLowerCase() === lower || distance(lower, v.toLowerCase()) <= 2);
  return close === undefined ? '' : ` Did you mean '${close}'?`;
}

import { SPLITS, type ImportReport } from './types.ts';

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ')).join('\n');
}

/** The human-readable form of an import report, as `fer-lab dataset inspect` prints it. */
export function formatReport(r: ImportReport, options: { maxListed?: number } = {}): string {
  const maxListed = options.maxListed ?? 10;
  const out: string[] = [];
  out.push(`Dataset   ${r.name} (${r.format})  ${r.source}`);
  out.push(`Images    ${r.total} at ${r.width}x${r.height} grayscale; pixel mean ${r.pixels.all.mean.toFixed(2)}, std ${r.pixels.all.std.toFixed(2)}`);
  for (const s of SPLITS) out.push(`${s.padEnd(9)} ${r.splitOrigin[s]}`);
  out.push('');
  const rows: string[][] = [['class', ...SPLITS, 'total']];
  for (const c of r.classNames) {
    const cells = SPLITS.map((s) => r.counts[s][c] ?? 0);
    rows.push([c, ...cells.map(String), String(cells.reduce((a, b) => a + b, 0))]);
  }
  rows.push(['total', ...SPLITS.map((s) => String(r.splitTotals[s])), String(r.total)]);
  out.push(table(rows));
  out.push('');
  if (r.ferPlus) {
    const d = r.ferPlus.dropped;
    out.push(`FER+      ${r.ferPlus.kept} relabelled by majority vote; dropped ${d.unknown} unknown, ${d.notAFace} not a face, ${d.noMajority} without a majority`);
  }
  out.push(`Skipped   ${r.skipped.length} file${r.skipped.length === 1 ? '' : 's'}`);
  for (const s of r.skipped.slice(0, maxListed)) out.push(`  ${s.file}: ${s.reason}`);
  if (r.skipped.length > maxListed) out.push(`  ... and ${r.skipped.length - maxListed} more (--json lists all)`);
  const d = r.duplicates;
  out.push(
    `Duplicates ${d.crossSplit.length} identical-image group${d.crossSplit.length === 1 ? '' : 's'} across splits (${d.crossSplitImages} images); ` +
      `${d.withinSplitGroups} within a split; ${d.conflictingLabelGroups} with conflicting labels`,
  );
  for (const g of d.crossSplit.slice(0, maxListed)) {
    const shown = g.files.slice(0, 4).map((f) => `${f.file} [${f.split}, ${f.label}]`);
    if (g.files.length > 4) shown.push(`... (${g.files.length} copies)`);
    out.push(`  ${shown.join(' = ')}`);
  }
  if (d.crossSplit.length > maxListed) out.push(`  ... and ${d.crossSplit.length - maxListed} more groups (--json lists all)`);
  for (const w of r.warnings) out.push(`Warning   ${w}`);
  const cache = !r.cache.enabled ? 'off' : r.cache.hit ? `hit (${r.cache.file})` : `written (${r.cache.file})`;
  out.push(`Cache     ${cache}; ${(r.timings.totalMs / 1000).toFixed(2)} s`);
  return out.join('\n');
}

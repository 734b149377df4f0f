import { formatSi, parseSpiceValue, type ResolvedScaling, type VoltageReport } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import { InvalidArgumentError } from 'commander';

/** Commander parser for `--capacitance 1p`, `--time-constant 1n`: SPICE values with scale suffixes. */
export function parseSpiceOption(text: string): number {
  const value = parseSpiceValue(text);
  if (E.isLeft(value)) throw new InvalidArgumentError(value.left[0].message);
  if (!(value.right > 0)) throw new InvalidArgumentError(`expected a value > 0, got '${text}'`);
  return value.right;
}

export function describeScaling(s: ResolvedScaling): string {
  return (
    `units: 1 model farad = ${formatSi(s.capacitance, 'F')}, 1 model time unit = ${formatSi(s.timeConstant, 's')}, 1 model volt = ${formatSi(s.voltage, 'V')}; ` +
    `branch currents × ${formatSi(s.current, 'A')} per model unit (c0·α/τ), conductances × ${formatSi(s.capacitance / s.timeConstant, 'S')}`
  );
}

const volts = (v: number, s: ResolvedScaling) => formatSi(v * s.voltage, 'V');
const fixed = (v: number) => Number(v.toPrecision(4));

/**
 * The engineer's view of a trajectory in physical units: node ranges (all of them for small circuits,
 * the readout and the extremes otherwise), the supply rails they imply, and the readout's settling time
 * per slice (docs/spice.md gives the definition).
 */
export function reportLines(report: VoltageReport, s: ResolvedScaling, source: string): string[] {
  const lines: string[] = [`voltages (${source}):`];
  const shown = report.ranges.length <= 12 ? report.ranges : report.ranges.filter((r) => report.readoutNodes.includes(r.node));
  if (shown.length < report.ranges.length) lines.push(`  readout nodes (${report.ranges.length} nodes in all):`);
  for (const r of shown) lines.push(`  node ${r.node}${report.readoutNodes.includes(r.node) && shown.length === report.ranges.length ? ' (readout)' : ''}: ${volts(r.min, s)} … ${volts(r.max, s)}`);
  const { lowest, highest } = report;
  lines.push(`  lowest ${volts(lowest.value, s)} (node ${lowest.node} at ${formatSi(lowest.time * s.timeConstant, 's')}), highest ${volts(highest.value, s)} (node ${highest.node} at ${formatSi(highest.time * s.timeConstant, 's')})`);
  const low = Math.min(0, lowest.value * s.voltage);
  const high = Math.max(0, highest.value * s.voltage);
  // Rounded up to two significant digits: ±6.2 V for 6.123 V.
  const magnitude = Math.max(-low, high);
  const unit = magnitude > 0 ? 10 ** (Math.floor(Math.log10(magnitude)) - 1) : 1;
  const symmetric = Math.ceil(magnitude / unit - 1e-9) * unit;
  lines.push(
    `  supply rails: every node stays within [${formatSi(low, 'V')}, ${formatSi(high, 'V')}], so the devices that realise the branches need rails of at least ` +
      `${formatSi(low, 'V')} and +${formatSi(high, 'V')} (±${formatSi(symmetric, 'V')} symmetric), plus their own headroom`,
  );
  const pct = fixed(100 * report.tolerance);
  lines.push(`settling of the readout (nodes ${report.readoutNodes.join(', ')}; within ${pct}% of each readout's largest excursion from its end-of-slice value):`);
  for (const t of report.settling) {
    const duration = (t.t1 - t.t0) * s.timeConstant;
    lines.push(
      `  slice ${t.slice + 1}: settled ${formatSi((t.time - t.t0) * s.timeConstant, 's')} into the ${formatSi(duration, 's')} slice (${fixed(100 * t.fraction)}%; ` +
        `last: node ${t.node}, band ±${volts(t.band, s)}); the readout still moves at up to ${formatSi((t.finalSlope * s.voltage) / s.timeConstant, 'V/s')} at the slice end`,
    );
  }
  return lines;
}

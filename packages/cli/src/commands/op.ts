import { KirchhoffError, operatingPoint, stabilityAt, type OperatingPoint, type StabilityReport } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import { buildSimulation } from '../config/build';
import { decodeCircuitFile } from '../config/decode';
import { createContainer } from '../engine';
import type { CliIo } from '../io';
import { CliError, issueIn } from '../issues';
import { pluginsFor } from '../plugins';

export interface OpOptions {
  readonly stability?: boolean;
  readonly json?: boolean;
  readonly plugin?: readonly string[];
}

export interface OpReport {
  readonly slices: { readonly slice: number; readonly point: OperatingPoint; readonly stability?: StabilityReport }[];
}

/**
 * `kirchhoff op <circuit-file>`: the DC operating point of every slice's circuit (SPICE's .op), each
 * started from the file's `input` voltages, with `--stability` the small-signal stability report.
 */
export async function opCommand(file: string, options: OpOptions, io: CliIo): Promise<OpReport> {
  const decoded = await decodeCircuitFile(file, io.cwd);
  if (E.isLeft(decoded)) throw new CliError(decoded.left);
  const plugins = await pluginsFor(decoded.right, options.plugin ?? [], io.cwd);
  const built = buildSimulation(decoded.right, createContainer(plugins), {});
  if (E.isLeft(built)) throw new CliError(built.left);
  const { model, input, batch } = built.right;
  const slices = model.slices.map((slice, i) => {
    try {
      const point = operatingPoint(slice.circuit, { initial: input, batch });
      return { slice: i, point, ...(options.stability && { stability: stabilityAt(slice.circuit, point.voltages, batch) }) };
    } catch (err) {
      if (err instanceof KirchhoffError) throw new CliError([issueIn(file, err.code, `slice ${i}: ${err.message}`)]);
      throw err;
    }
  });
  if (options.json) {
    io.out(JSON.stringify({ slices: slices.map((s) => ({ ...s, point: { ...s.point, voltages: Array.from(s.point.voltages) } })) }, null, 2) + '\n');
  } else {
    const lines: string[] = [];
    for (const { slice, point, stability } of slices) {
      lines.push(`slice ${slice}: ${point.method}, ${point.iterations} Newton iterations, max KCL residual ${point.residual.toExponential(2)} A`);
      for (let b = 0; b < batch; b++) {
        const volts = Array.from({ length: model.numNodes }, (_, n) => point.voltages[n * batch + b].toPrecision(6));
        lines.push(`  sample ${b}: ${volts.map((v, n) => `v${n + 1} = ${v}`).join(', ')}`);
      }
      if (stability) {
        const eig = stability.maxRealPart !== undefined ? `, largest eigenvalue real part ${stability.maxRealPart.toExponential(3)}` : '';
        lines.push(`  ${stability.stable ? 'stable' : 'UNSTABLE'}${eig}`);
        for (const n of stability.flaggedNodes) {
          lines.push(`  node ${n.node} (sample ${n.sample}): net conductance ${n.conductanceSum.toExponential(3)} S with ${n.ndrBranches} NDR branch(es): negative resistance dominates`);
        }
      }
    }
    io.out(lines.join('\n') + '\n');
  }
  return { slices };
}

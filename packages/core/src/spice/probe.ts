import { KirchhoffError } from '../errors';
import type { CompiledBranchType } from '../symbolic/branch-type';
import { FunctionTable } from '../symbolic/function-table';
import { runNgspice, type NgspiceOptions } from './ngspice';
import { spiceNumber, translateBranchType } from './translate';

export interface LawPoint {
  readonly vs: number;
  readonly vd: number;
  readonly theta: readonly number[];
}

/**
 * The law's current at each point as ngspice evaluates the exported B-source: per point, voltage sources
 * hold the terminals at vs and vd, and a 0 V source in series measures the current the B-source drives from
 * its first node to its second (`.op`). So the check covers the translation and the polarity at once.
 */
export async function probeLawInNgspice(
  type: CompiledBranchType,
  points: readonly LawPoint[],
  functions: FunctionTable = new FunctionTable(),
  options: NgspiceOptions = {},
): Promise<number[]> {
  const law = translateBranchType(type, functions);
  const lines = [`Kirchhoff law probe: ${type.definition.name}, ${points.length} points`, `* I = ${law.text}`];
  points.forEach((p, k) => {
    lines.push(`Vs${k} s${k} 0 ${spiceNumber(p.vs)}`, `Vd${k} d${k} 0 ${spiceNumber(p.vd)}`);
    lines.push(`B${k} s${k} m${k} I = ${law.expression({ theta: (j) => p.theta[j], vs: `v(s${k})`, vd: `v(d${k})` })}`);
    lines.push(`Vm${k} m${k} d${k} 0`);
    // Newton's first iterate is 0 V everywhere, where a law like 1/v is singular: start it at the point.
    lines.push(`.nodeset v(s${k})=${spiceNumber(p.vs)} v(d${k})=${spiceNumber(p.vd)} v(m${k})=${spiceNumber(p.vd)}`);
  });
  lines.push('.control', 'set wr_vecnames', 'set wr_singlescale', 'option numdgt=16', 'op', 'wrdata probe.txt all', 'quit 0', '.endc', '.end');
  const run = await runNgspice(`${lines.join('\n')}\n`, 'probe.txt', options);
  return points.map((_, k) => {
    const current = run.vectors.get(`vm${k}#branch`);
    if (!current) throw new KirchhoffError('ngspice-failed', `ngspice wrote no current for probe point ${k}`);
    return current[0];
  });
}

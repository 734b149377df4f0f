import { Command, Option } from 'commander';
import type { CliIo } from '../io';
import { collect, parseIndex, parseNumber, pluginOption } from '../option-parsers';
import { plotIvCommand } from './plot-iv';
import { plotCircuitCommand, plotTrajectoryCommand } from './plot-model';
import { plotRunCommand } from './plot-run';
import { plotSigmaCommand } from './plot-sigma';

/*
 * `kirchhoff plot …`: each subcommand reads its input, builds a chart with the plot module and writes
 * <out>.svg and <out>.png. One module per subcommand (plot-run, plot-model for trajectory and circuit,
 * plot-iv, plot-sigma), what they share in plot-common; this file registers them.
 */

export { drawn, emit, type OutOptions, type PlotFiles } from './plot-common';
export { plotIvCommand, type IvPoint, type PlotIvOptions, type PlotIvReport } from './plot-iv';
export { plotCircuitCommand, plotTrajectoryCommand, type PlotCircuitOptions, type PlotCircuitReport, type PlotTrajectoryOptions, type PlotTrajectoryReport } from './plot-model';
export { plotRunCommand, type PlotRunReport } from './plot-run';
export { plotSigmaCommand, type PlotSigmaOptions, type PlotSigmaReport } from './plot-sigma';
export type { SourceOptions } from './plot-source';

const parseNodes = (value: string): number[] => value.split(',').map((part) => parseIndex(part.trim()));
const outOption = (example: string) => new Option('--out <path>', `output path without extension: writes <path>.svg and <path>.png (default: ${example} in the working directory)`);

/** Adds `kirchhoff plot …` to the program. */
export function addPlotCommands(program: Command, io: CliIo): void {
  const plot = program
    .command('plot')
    .description('draw plots as SVG and PNG (no browser): training curves, node voltages, I-V curves, accuracy vs σ, circuits')
    .addHelpText('after', '\nSee docs/plots.md.\n');

  plot
    .command('run')
    .description("loss and accuracy (train and test) against epochs and wall-clock time, from a run's metrics.jsonl")
    .argument('<run-dir>', 'a run dir of `kirchhoff train`, or its metrics.jsonl')
    .addOption(outOption('<run name>-training'))
    .action(async (target: string, options) => {
      await plotRunCommand(target, options, io);
    });

  plot
    .command('trajectory')
    .description('node voltages of one sample over time, simulated at evenly spaced save times')
    .argument('<file>', 'circuit file, training config, or run dir (its checkpoint parameters)')
    .option('--sample <k>', "the circuit file's input row, or the split's sample (default 0)", parseIndex)
    .option('--nodes <n1,n2,...>', 'nodes to show (default: all of up to 10 nodes, else a run\'s readout nodes, else nodes 1–10)', parseNodes)
    .option('--points <n>', 'save times over [0, T] (default 201)', parseIndex)
    .addOption(new Option('--split <split>', 'runs and training configs: the split the sample comes from').choices(['test', 'train']).default('test'))
    .addOption(outOption('<name>-trajectory-<k>'))
    .addOption(pluginOption())
    .action(async (target: string, options) => {
      await plotTrajectoryCommand(target, options, io);
    });

  plot
    .command('iv')
    .description("a branch type's current I(v), v = vs − vd, and its derivative ∂I/∂vs from the compiled law")
    .argument('<branch-type>', 'branch type id or alias (or a family: its member with no options)')
    .option('--param <name=value>', 'a parameter value (repeatable); unset parameters take their constant init, else 1', collect, [])
    .option('--range <a:b>', 'sweep of v in volts (default -2:2)')
    .option('--vd <x>', 'destination voltage held fixed (default 0)', parseNumber)
    .option('--points <n>', 'points of the sweep (default 401)', parseIndex)
    .addOption(outOption('<type>-iv'))
    .addOption(pluginOption())
    .addHelpText('after', '\nExample:\n  kirchhoff plot iv tunnel-diode --range 0:0.6\n')
    .action(async (id: string, options) => {
      await plotIvCommand(id, options, io);
    });

  plot
    .command('sigma')
    .description('accuracy against a noise level σ: mean ± one standard deviation over seeds (CSV: sigma,seed,accuracy[,series])')
    .argument('<csv>', 'CSV with a header naming sigma and accuracy (seed, series optional); see docs/plots.md')
    .option('--title <text>', 'chart title (default: Accuracy vs σ)')
    .option('--log-x', 'logarithmic σ axis (drops σ = 0)')
    .option('--x <column>', 'the setting column (default: sigma, else the first column other than accuracy, seed and series)')
    .option('--x-title <text>', 'x-axis title (default: σ, or the setting column’s name)')
    .addOption(outOption('<csv name>-sigma'))
    .action(async (file: string, options) => {
      await plotSigmaCommand(file, options, io);
    });

  plot
    .command('circuit')
    .description('a drawing of a small circuit (≤ 40 nodes): nodes, branches as arrows by type, ground, capacitors')
    .argument('<file>', 'circuit file, training config, or run dir')
    .option('--slice <i>', 'which slice to draw (default 0)', parseIndex)
    .addOption(outOption('<name>-circuit'))
    .addOption(pluginOption())
    .action(async (target: string, options) => {
      await plotCircuitCommand(target, options, io);
    });
}

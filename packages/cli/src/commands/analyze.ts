import { NOISE_DISTRIBUTIONS } from '@kirchhoff/core';
import { Command, Option } from 'commander';
import { ANALYSIS_NAMES, optionIssue, type AnalysisName } from '../analyze/kind';
import { ANALYSES } from '../analyze/kinds/index';
import { runAnalysis, type AnalyzeOptions, type AnalyzeReport } from '../analyze/runner';
import { DEFAULT_SEEDS } from '../analyze/settings';
import type { CliIo } from '../io';
import { CliError } from '../issues';
import { parseCount, parseNumberList, pluginOption } from '../option-parsers';

export type { AnalyzeOptions, AnalyzeReport } from '../analyze/runner';

const isAnalysisName = (name: string): name is AnalysisName => (ANALYSIS_NAMES as readonly string[]).includes(name);

/** `kirchhoff analyze <kind> <target>`: one non-ideality analysis of a trained network (docs/analyze.md). */
export async function analyzeCommand(kind: string, target: string, options: AnalyzeOptions, io: CliIo): Promise<AnalyzeReport> {
  const analysis = isAnalysisName(kind) ? ANALYSES.get(kind) : undefined;
  if (analysis === undefined) throw new CliError([optionIssue('analyze', 'unknown-analysis', `no analysis '${kind}'; expected one of ${ANALYSIS_NAMES.join(', ')}`)], 2);
  return runAnalysis(analysis, target, options, io);
}

const EXAMPLE_WEIGHTS =
  '--weights ../shared/reference/fixtures/mnist_layer0_params_float32_2xE.bin,../shared/reference/fixtures/mnist_layer1_params_float32_2xE.bin';

/** Adds `kirchhoff analyze <kind>` for every analysis, with the options they share and their own. */
export function addAnalyzeCommands(program: Command, io: CliIo): void {
  const analyze = program
    .command('analyze')
    .description('non-ideality analyses of a trained network: accuracy under parameter mismatch, quantisation, capacitor mismatch, parasitic capacitance, readout time and readout noise; CSVs and a plot')
    .argument('[kind]', `one of ${ANALYSIS_NAMES.join(', ')}`)
    // An unknown kind arrives here with its target and options, to be refused by name rather than as excess arguments.
    .allowExcessArguments()
    .allowUnknownOption()
    .addHelpText('after', `\nExample:\n  kirchhoff analyze mismatch examples/mnist-kirchhoffnet.yaml ${EXAMPLE_WEIGHTS} --limit 2000 --seeds 5\n\nSee docs/analyze.md.\n`)
    // Reached only when <kind> names no analysis (commander dispatches the known ones to their subcommands).
    .action(async (kind: string | undefined) => {
      if (kind === undefined) throw new CliError([optionIssue('analyze', 'missing-analysis', `name the analysis: one of ${ANALYSIS_NAMES.join(', ')}`)], 2);
      await analyzeCommand(kind, '', {}, io);
    });

  for (const kind of ANALYSES.values()) {
    const { setting } = kind;
    const command = analyze
      .command(kind.name)
      .description(kind.description)
      .argument('<target>', 'a run dir of `kirchhoff train`, a checkpoint in one, or a training config with --weights')
      .option(`${setting.option} <values>`, `${setting.symbol} values to sweep, comma separated (default ${setting.defaults.join(',')})`, parseNumberList);
    if (kind.seeded) command.option('--seeds <n>', `seeds 0..n−1 per setting (default ${DEFAULT_SEEDS})`, parseCount);
    if (kind.uses.includes('distribution')) {
      command.addOption(new Option('--distribution <law>', 'unit-variance noise law: ±1, uniform on [−√3, √3], or standard normal').choices([...NOISE_DISTRIBUTIONS]).default('gaussian'));
    }
    if (kind.uses.includes('param')) command.option('--param <name>', "only this parameter row of the branch type (e.g. theta1), in every slice; default: every used row");
    command
      .addOption(new Option('--split <split>', 'which split to evaluate').choices(['test', 'train']).default('test'))
      .option('--limit <n>', 'only the first n samples of the split', parseCount)
      .option('--batch-size <n>', "evaluation batch size (default: the config's evalBatchSize, as kirchhoff eval)", parseCount)
      .option('--out <dir>', `folder for ${kind.name}.csv, ${kind.name}-summary.csv, ${kind.name}.svg and .png (default analysis/<run or config name>)`)
      .option('--force', 'replace earlier results of this analysis in the folder')
      .option('--json', 'print the report as JSON')
      .option('--weights <files>', 'parameters from raw files, one per slice, comma separated (the target is then a training config)', (v: string) => v.split(',').map((f) => f.trim()))
      .addOption(new Option('--weights-format <format>', 'number format of --weights files').choices(['float32-le', 'float64-le']).default('float32-le'))
      .option('--topology-file <file>', "check the config's edges against a raw int32 topology file (sources, then destinations)")
      .addOption(pluginOption())
      .action(async (target: string, raw: Record<string, unknown>) => {
        const settingKey = setting.option.slice(2);
        const { [settingKey]: values, ...rest } = raw;
        await analyzeCommand(kind.name, target, { ...(rest as AnalyzeOptions), ...(values !== undefined && { values: values as number[] }) }, io);
      });
  }
}

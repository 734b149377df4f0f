import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { KirchhoffError, setKernelThreads, ValidationError } from '@kirchhoff/core';
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { addAnalyzeCommands } from './commands/analyze';
import { branchesCommand } from './commands/branches';
import { denseamCommand } from './commands/denseam';
import { evalCommand } from './commands/eval';
import { fitDeviceCommand } from './commands/fit-device';
import { addKanCommands } from './commands/kan';
import { opCommand } from './commands/op';
import { addPlotCommands } from './commands/plot';
import { simulateCommand } from './commands/simulate';
import { solversCommand } from './commands/solvers';
import { addSpiceCommands } from './spice/commands';
import { trainCommand } from './commands/train';
import { verifyCommand } from './commands/verify';
import { circuitJsonSchema } from './config/schema';
import { trainJsonSchema } from './config/train-schema';
import type { CliIo } from './io';
import { CliError, formatIssue } from './issues';
import { writeFileAtomic } from './output';
import { parseCount, parseNumber, parseNumberList, pluginOption } from './option-parsers';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

function parseThreads(value: string): number {
  const x = parseCount(value);
  if (x > 64) throw new InvalidArgumentError(`expected at most 64 threads, got '${value}'`);
  return x;
}

/** The command tree. Commands write through `io`, so tests run it in-process. */
export function createProgram(io: CliIo): Command {
  const program = new Command('kirchhoff')
    .description('Analog circuit neural networks: simulate and train KirchhoffNet circuits from YAML or JSON files')
    .version(version)
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .option('--threads <n>', 'threads that evaluate branch kernels (default: KIRCHHOFF_THREADS, else every core); results repeat exactly for a given count', parseThreads)
    .hook('preAction', (command) => {
      const threads = command.opts().threads as number | undefined;
      if (threads !== undefined) setKernelThreads(threads);
    });

  program
    .command('simulate')
    .description('run a circuit file and write the node voltages at the save times')
    .argument('<file>', 'circuit file (.yaml, .yml or .json); see docs/circuit-file.md')
    .option('--solver <name>', "solver id (replaces the file's solver block unless it names the same solver)")
    .option('--rtol <x>', 'relative tolerance', parseNumber)
    .option('--atol <x>', 'absolute tolerance', parseNumber)
    .option('--dt0 <x>', 'first step (adaptive) or the step (fixed-step solvers)', parseNumber)
    .option('--t-end <T>', 'duration of the only slice (single-slice files only)', parseNumber)
    .option('--save <t1,t2,...>', 'absolute save times, comma separated (default: the file’s save, else every slice end)', parseNumberList)
    .option('--out <path>', 'output file, written atomically; .csv or .json picks the format (default: the file’s output, else stdout)')
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json']))
    .addOption(pluginOption())
    .option('--check-energy <tol>', 'with an energy in the file: fail if one accepted step raises it by more than tol', parseNumber)
    .addHelpText('after', '\nExample:\n  kirchhoff simulate examples/default-simulation.yaml --out run.csv\n')
    .action(async (file: string, options) => {
      await simulateCommand(file, options, io);
    });

  program
    .command('branches')
    .description('list the registered branch types and families with their laws and derived partials')
    .argument('[id]', 'show one branch type or family (id or alias)')
    .option('--json', 'print JSON')
    .addOption(pluginOption())
    .action(async (id: string | undefined, options) => {
      await branchesCommand(id, options, io);
    });

  program
    .command('solvers')
    .description('list the registered ODE solvers and step-size controllers')
    .option('--json', 'print JSON')
    .action((options) => solversCommand(options, io));

  program
    .command('train')
    .description('train a KirchhoffNet (or a KAN or MLP: model.kind) from a training config; checkpoints, metrics and a config copy go to the run dir')
    .argument('[config]', 'training config (.yaml, .yml or .json); see docs/training.md. Optional with --resume --run-dir')
    .option('--run-dir <dir>', "where checkpoints and metrics go (default: the config's runDir, else runs/<config name>)")
    .option('--resume', "continue the run in the run dir from its checkpoint, with the run dir's config copy")
    .option('--force', 'start over in a run dir that already holds a checkpoint (deletes it)')
    .option('--epochs <n>', "train for n epochs in all (replaces training.epochs; with --resume, extends a run)", parseCount)
    .option('--quiet', 'print only the final line')
    .addOption(new Option('--progress <mode>', 'progress on stderr: a single updating line (bar), periodic lines, or none').choices(['auto', 'bar', 'lines', 'none']).default('auto'))
    .addOption(pluginOption())
    .addHelpText('after', '\nExamples:\n  kirchhoff train examples/two-moons.yaml --run-dir runs/two-moons\n  kirchhoff train --resume --run-dir runs/two-moons\n')
    .action(async (config: string | undefined, options) => {
      await trainCommand(config, options, io);
    });

  program
    .command('eval')
    .description("evaluate a trained run's checkpoint on a dataset split (loss, accuracy, NFE)")
    .argument('<run>', 'a run dir of `kirchhoff train`, a checkpoint .json file inside one, or a training config with --weights')
    .addOption(new Option('--split <split>', 'which split to evaluate').choices(['test', 'train']).default('test'))
    .option('--solver <name>', "solver id (replaces the run's solver block unless it names the same solver)")
    .option('--rtol <x>', 'relative tolerance', parseNumber)
    .option('--atol <x>', 'absolute tolerance', parseNumber)
    .option('--dt0 <x>', 'first step (adaptive) or the step (fixed-step solvers)', parseNumber)
    .option('--batch-size <n>', "evaluation batch size (default: the run's evalBatchSize)", parseCount)
    .option('--weights <files>', 'parameters from raw files, one per slice, comma separated (the target is then a training config)', (v: string) => v.split(',').map((f) => f.trim()))
    .addOption(new Option('--weights-format <format>', 'number format of --weights files').choices(['float32-le', 'float64-le']).default('float32-le'))
    .option('--topology-file <file>', "check the config's edges against a raw int32 topology file (sources, then destinations)")
    .option('--limit <n>', 'evaluate only the first n samples of the split', parseCount)
    .option('--json', 'print JSON')
    .addOption(pluginOption())
    .addHelpText('after', '\nExamples:\n  kirchhoff eval runs/two-moons\n  kirchhoff eval examples/mnist-kirchhoffnet.yaml --batch-size 100 \\\n    --weights ../shared/reference/fixtures/mnist_layer0_params_float32_2xE.bin,../shared/reference/fixtures/mnist_layer1_params_float32_2xE.bin \\\n    --topology-file ../shared/reference/fixtures/mnist_topology_src_des_int32_2xE.bin\n')
    .action(async (run: string, options) => {
      await evalCommand(run, options, io);
    });

  program
    .command('verify')
    .description('check the adjoint of a training config or circuit file: the adjoint circuit against a finite-difference Jacobian, gradients against finite differences')
    .argument('<file>', 'training config or circuit file')
    .option('--topology', 'check the same-topology theorem on every slice circuit')
    .option('--grad', 'compare adjoint gradients with central finite differences (training configs: the configured loss; circuit files: MSE to 0 on all nodes)')
    .option('--samples <n>', 'batch of the gradient check (default 8)', parseCount)
    .option('--params <n>', 'parameters compared (default 20)', parseCount)
    .option('--adjoint <method>', 'adjoint method (default: the config\'s, checkpointed for circuit files)')
    .option('--as-configured', 'keep the configured solver tolerances (by default adaptive solves are tightened to 1e-10)')
    .option('--seed <n>', 'seed of the parameter choice and random states (default 0)', parseNumber)
    .addOption(pluginOption())
    .addHelpText('after', '\nWith neither --topology nor --grad, both checks run. Exit code 1 when a check fails.\n')
    .action(async (file: string, options) => {
      const report = await verifyCommand(file, options, io);
      if (!report.passed) throw new CliError(report.failures);
    });

  program
    .command('op')
    .description("DC operating point of each slice's circuit (like SPICE's .op): Newton, then gmin and source stepping")
    .argument('<file>', 'circuit file; its input voltages are the starting guess')
    .option('--stability', 'report small-signal stability: Jacobian eigenvalues (small circuits) and nodes where NDR dominates')
    .option('--json', 'print JSON')
    .addOption(pluginOption())
    .action(async (file: string, options) => {
      await opCommand(file, options, io);
    });

  program
    .command('denseam')
    .description('Dense Associative Memory tasks as RC circuits: xor, hamming (relax and check), parity (train the Energy Transformer, resumable)')
    .argument('<file>', 'task file, e.g. examples/denseam-xor.yaml; see docs/denseam.md')
    .option('--run-dir <dir>', 'parity: run directory with checkpoint.json, log.txt and summary.json (default: the file’s runDir)')
    .option('--eval-only', 'parity: evaluate the run directory’s checkpoint without training')
    .option('--epochs <n>', 'parity: train up to this many epochs instead of the file’s', parseCount)
    .option('--json', 'print JSON')
    .action(async (file: string, options) => {
      await denseamCommand(file, options, io);
    });

  program
    .command('fit-device')
    .description('fit a device to I-V points (CSV) and write a branch-type module to load with --plugin')
    .argument('<data>', 'CSV with voltage,current per line (see packages/branches/docs/fit-device.md)')
    .option('--degree <n>', 'least-squares polynomial of degree n (1–20)', parseNumber)
    .option('--spline', 'natural cubic spline through the points, flat outside them')
    .option('--smoothing <s>', 'with --spline: smoothing spline with Σ(I − fit)² ≤ s', parseNumber)
    .option('--name <id>', 'device id (default: <file>-poly-<n> or <file>-spline)')
    .option('--out <file.mjs>', 'write the module here (default: standard output)')
    .action(async (file: string, options) => {
      await fitDeviceCommand(file, options, io);
    });

  addSpiceCommands(program, io);

  addPlotCommands(program, io);

  addAnalyzeCommands(program, io);

  addKanCommands(program, io);

  program
    .command('schema')
    .description('print the JSON schema of circuit files or training configs (for editors and validators)')
    .addArgument(new Argument('[kind]', 'which files').choices(['circuit', 'train']).default('circuit'))
    .option('--out <path>', 'write it to a file instead')
    .action(async (kind: 'circuit' | 'train', options: { out?: string }) => {
      const text = kind === 'train' ? trainJsonSchema() : circuitJsonSchema();
      if (options.out === undefined) io.out(text);
      else {
        await writeFileAtomic(resolve(io.cwd, options.out), text).catch((err: Error) => {
          throw new CliError([{ code: 'output-unwritable', message: `cannot write ${options.out}: ${err.message}`, where: '--out' }]);
        });
      }
    });

  return program;
}

/**
 * Runs the CLI on `argv` (without node and the script) and returns the exit code: 0 on success, 1 for
 * bad input (printed as `error: file:line:col: field: message [code]`), 2 for bad usage. Only bugs
 * escape as exceptions.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    await createProgram(io).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof CliError) {
      io.err(`${err.issues.map(formatIssue).join('\n')}\n`);
      return err.exitCode;
    }
    if (err instanceof ValidationError) {
      io.err(`${err.issues.map(formatIssue).join('\n')}\n`);
      return 1;
    }
    if (err instanceof KirchhoffError) {
      io.err(`${formatIssue({ code: err.code, message: err.message })}\n`);
      return 1;
    }
    throw err;
  }
}

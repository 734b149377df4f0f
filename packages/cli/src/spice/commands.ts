import { Command, InvalidArgumentError, Option } from 'commander';
import { cosimCommand } from '../commands/cosim';
import { exportSpiceCommand } from '../commands/export';
import { kanSpice } from '../commands/kan';
import { feedForwardRun, loadKanRun } from '../kan/run';
import type { CliIo } from '../io';
import { parseSpiceOption } from './format';

function parseNumber(value: string): number {
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x)) throw new InvalidArgumentError(`expected a number, got '${value}'`);
  return x;
}

function parsePositive(value: string): number {
  const x = parseNumber(value);
  if (!(x > 0)) throw new InvalidArgumentError(`expected a number > 0, got '${value}'`);
  return x;
}

function parseIndex(value: string): number {
  const x = parseNumber(value);
  if (!Number.isInteger(x) || x < 0) throw new InvalidArgumentError(`expected a whole number ≥ 0, got '${value}'`);
  return x;
}

function parseCount(value: string): number {
  const x = parseIndex(value);
  if (x < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got '${value}'`);
  return x;
}

const parseNodes = (value: string): number[] => value.split(',').map((part) => parseCount(part.trim()));
const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Options shared by `export spice` and `cosim`: which sample, physical units, ngspice's transient. */
function sharedOptions(command: Command): Command {
  return command
    .argument('<target>', 'a run dir of `kirchhoff train`, a checkpoint .json in one, a training config, or a circuit file')
    .option('--input <k>', 'which sample: row k of the dataset split (runs, training configs) or of the circuit file’s input (default 0)', parseIndex)
    .addOption(new Option('--split <split>', 'dataset split the sample comes from (runs, training configs)').choices(['test', 'train']))
    .option('--readout <n1,n2,...>', "readout nodes (default: the network's readout; every node for circuit files)", parseNodes)
    .option('--capacitance <c0>', 'farads per model farad, SPICE suffixes allowed (e.g. 1p; default 1)', parseSpiceOption)
    .option('--time-constant <tau>', 'seconds per model time unit, SPICE suffixes allowed (e.g. 1n; default 1)', parseSpiceOption)
    .option('--voltage-scale <alpha>', 'volts per model volt (default 1: the model’s voltages)', parsePositive)
    .option('--points <n>', 'output rows per slice: the .tran step is the slice duration / n (default 200)', parseCount)
    .option('--max-step <h>', 'largest ngspice time step, in model time units (default duration / 2000)', parsePositive)
    .option('--reltol <x>', 'ngspice reltol (default 1e-6)', parsePositive)
    .addOption(new Option('--method <method>', 'ngspice integration method (default trap)').choices(['trap', 'gear']))
    .option('--weights <files>', 'with a training config: parameters from raw files, one per slice, comma separated (as kirchhoff eval --weights)', (v: string) => v.split(',').map((f) => f.trim()))
    .addOption(new Option('--weights-format <format>', 'number format of --weights files').choices(['float32-le', 'float64-le']).default('float32-le'))
    .option('--settling-tolerance <x>', 'settling band as a fraction of each readout’s largest excursion (default 0.01)', parsePositive)
    .addOption(new Option('--plugin <path>', 'load branch types, families and function rules from an ES module (repeatable)').argParser(collect).default([]));
}

/** `kirchhoff export spice …` and `kirchhoff cosim …` (docs/spice.md). */
export function addSpiceCommands(program: Command, io: CliIo): void {
  const exportCommand = program.command('export').description('export a trained network or circuit to another tool (spice: an ngspice netlist)');
  sharedOptions(exportCommand.command('spice').description('write an ngspice netlist of one sample’s circuit: node capacitors, one B-source per branch, .tran over the slice'))
    .option('--slice <k>', 'the slice to export, 1-based (default: every slice; more than one needs --out-dir)', parseCount)
    .option('--out <file>', 'write the netlist here (default: standard output)')
    .option('--out-dir <dir>', 'write slice-<k>.cir for every selected slice here')
    .option('--report', "print every node's voltage range, the supply rails they imply and the readout's settling time (Kirchhoff's simulation) to stderr")
    .addHelpText('after', '\nExamples:\n  kirchhoff export spice runs/two-moons --slice 1 --capacitance 1p --time-constant 1n > net.cir\n  kirchhoff export spice examples/default-simulation.yaml --out-dir spice --report\n')
    .action(async (target: string, options) => {
      // A KAN or MLP run is a feed-forward crossbar circuit, not a KCL slice model: its own netlist writer.
      const kan = await feedForwardRun(target, io);
      if (kan) await kanSpice(await loadKanRun(target, io, options.plugin ?? []), options.input ?? 0, options.out, false, io);
      else await exportSpiceCommand(target, options, io);
    });

  sharedOptions(program.command('cosim').description('run every slice in ngspice (batch mode) and compare the node voltages with Kirchhoff’s own simulation'))
    .option('--rtol <x>', 'agreement: |Δv| ≤ max(rtol·|v|, atol) (default 1e-4)', parsePositive)
    .option('--atol <x>', 'agreement floor in model volts (default 1e-6)', parsePositive)
    .option('--kirchhoff-tol <x>', "rtol = atol of Kirchhoff's dopri5 (default 1e-10)", parsePositive)
    .option('--ngspice <path>', 'the ngspice executable (default: KIRCHHOFF_NGSPICE, else ngspice on PATH)')
    .option('--keep <dir>', "keep each slice's deck, data and ngspice log in <dir>/slice-<k>")
    .option('--timeout <seconds>', 'stop ngspice after this long per slice', parsePositive)
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExit code 1 when ngspice and Kirchhoff disagree beyond the tolerance.\n\nExample:\n  kirchhoff cosim runs/two-moons --input 3 --capacitance 1p --time-constant 1n\n')
    .action(async (target: string, options) => {
      await cosimCommand(target, options, io);
    });
}

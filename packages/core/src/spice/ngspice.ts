import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KirchhoffError } from '../errors';

/**
 * Runs ngspice in batch mode (`ngspice -b deck.cir`) on a netlist whose `.control` block writes its
 * vectors with `wrdata` (see `writeSpiceNetlist`'s `dataFile`), and reads them back. Expected failures
 * are KirchhoffErrors with stable codes: `ngspice-not-found` (not on PATH), `ngspice-no-convergence`
 * (ngspice gave up: "timestep too small" and the like), `ngspice-error` (ngspice rejected the deck),
 * `ngspice-failed` (it exited with an error and wrote nothing), `ngspice-timeout`.
 */
export interface NgspiceOptions {
  /** The executable; default the `KIRCHHOFF_NGSPICE` environment variable, else `ngspice` on PATH. */
  readonly binary?: string;
  /** Kill ngspice after this long (default: no limit). */
  readonly timeoutMs?: number;
  /** Keep the deck, the data and the log in this directory (created if needed); default a temporary one, removed. */
  readonly workDir?: string;
}

export interface NgspiceRun {
  /** The scale (time) of every written row. */
  readonly times: Float64Array;
  /** Vectors by lower-case name (`v(3)`), each over `times`. */
  readonly vectors: ReadonlyMap<string, Float64Array>;
  /** Wall time of the ngspice process, ms. */
  readonly wallMs: number;
  /** `rusage everything` figures by name, e.g. `Transient analysis time`, `Transient timepoints`. */
  readonly stats: Readonly<Record<string, number>>;
  /** ngspice's standard output and error. */
  readonly log: string;
}

export const ngspiceBinary = (options: NgspiceOptions = {}) => options.binary ?? process.env.KIRCHHOFF_NGSPICE ?? 'ngspice';

const INSTALL_HINT = 'install it (Debian/Ubuntu: apt-get install ngspice; macOS: brew install ngspice) or name the executable (KIRCHHOFF_NGSPICE, or --ngspice on the command line)';

/** Whether the ngspice executable runs (`ngspice --version`). */
export function ngspiceAvailable(options: NgspiceOptions = {}): boolean {
  const result = spawnSync(ngspiceBinary(options), ['--version'], { encoding: 'utf8', timeout: 20_000 });
  return result.error === undefined && result.status === 0;
}

/** The version line, e.g. `ngspice-39 : Circuit level simulation program`, or undefined when it does not run. */
export function ngspiceVersion(options: NgspiceOptions = {}): string | undefined {
  const result = spawnSync(ngspiceBinary(options), ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (result.error !== undefined || result.status !== 0) return undefined;
  return /ngspice-[^\n]*/.exec(result.stdout)?.[0]?.trim();
}

/** Reads `wrdata` output with `wr_vecnames` and `wr_singlescale`: a header of names, then rows of numbers. */
export function parseWrdata(text: string): { times: Float64Array; vectors: Map<string, Float64Array> } {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new KirchhoffError('ngspice-failed', 'ngspice wrote an empty data file');
  const names = lines[0].trim().split(/\s+/).map((n) => n.toLowerCase());
  const rows = lines.length - 1;
  const columns = names.map(() => new Float64Array(rows));
  for (let r = 0; r < rows; r++) {
    const fields = lines[r + 1].trim().split(/\s+/);
    if (fields.length !== names.length) throw new KirchhoffError('ngspice-failed', `ngspice data row ${r + 1} has ${fields.length} values for ${names.length} vectors`);
    for (let c = 0; c < fields.length; c++) columns[c][r] = Number(fields[c]);
  }
  const vectors = new Map<string, Float64Array>();
  names.forEach((name, c) => {
    if (c > 0 && !vectors.has(name)) vectors.set(name, columns[c]);
  });
  return { times: columns[0], vectors };
}

/** `name = value` lines of `rusage`. */
function parseStats(log: string): Record<string, number> {
  const stats: Record<string, number> = {};
  for (const match of log.matchAll(/^([A-Za-z][A-Za-z ()]*?)\s*=\s*([-+0-9.eE]+)\s*(?:[A-Za-z]*)\s*$/gm)) {
    const value = Number(match[2]);
    if (Number.isFinite(value)) stats[match[1].replace(/\s*\(seconds\)$/, '').trim()] = value;
  }
  return stats;
}

/** Recognises ngspice's failure messages; undefined when the log shows none. */
export function ngspiceFailure(log: string): KirchhoffError | undefined {
  const tooSmall = /[^\n]*time ?step too small[^\n]*/i.exec(log);
  if (tooSmall) {
    const at = /time\s*=\s*([-+0-9.eE]+)/.exec(tooSmall[0]);
    return new KirchhoffError(
      'ngspice-no-convergence',
      `ngspice did not converge${at ? ` at t = ${at[1]} s` : ''}: ${tooSmall[0].trim()} (the circuit may run away there; loosen reltol or shorten the step only if Kirchhoff's own simulation is well behaved)`,
      { line: tooSmall[0].trim() },
    );
  }
  const noConvergence = /[^\n]*(no convergence|convergence problem|gmin stepping failed|source stepping failed|iteration limit reached)[^\n]*/i.exec(log);
  if (noConvergence) return new KirchhoffError('ngspice-no-convergence', `ngspice did not converge: ${noConvergence[0].trim()}`, { line: noConvergence[0].trim() });
  const errors = [...log.matchAll(/^[^\n]*\berror\b[^\n]*(?:\n[^\n]+)?/gim)].map((m) => m[0].trim().replace(/\s*\n\s*/g, ' | ')).filter((l) => !/no such vector/i.test(l));
  if (errors.length) return new KirchhoffError('ngspice-error', `ngspice rejected the netlist: ${errors.slice(0, 3).join('; ')}`, { lines: errors });
  return undefined;
}

/** Runs ngspice on `netlist`, whose control block writes `dataFile` (a bare file name). */
export async function runNgspice(netlist: string, dataFile: string, options: NgspiceOptions = {}): Promise<NgspiceRun> {
  const binary = ngspiceBinary(options);
  const dir = options.workDir !== undefined ? resolve(options.workDir) : mkdtempSync(join(tmpdir(), 'kirchhoff-ngspice-'));
  mkdirSync(dir, { recursive: true });
  const deck = join(dir, 'circuit.cir');
  const data = join(dir, dataFile);
  rmSync(data, { force: true });
  writeFileSync(deck, netlist);
  try {
    const started = performance.now();
    const { code, log, error, timedOut } = await new Promise<{ code: number | null; log: string; error?: NodeJS.ErrnoException; timedOut: boolean }>((done) => {
      const chunks: Buffer[] = [];
      let timedOut = false;
      const child = spawn(binary, ['-b', 'circuit.cir'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.stderr.on('data', (c: Buffer) => chunks.push(c));
      const timer = options.timeoutMs !== undefined ? setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), options.timeoutMs) : undefined;
      child.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        done({ code: null, log: Buffer.concat(chunks).toString('utf8'), error, timedOut });
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        done({ code, log: Buffer.concat(chunks).toString('utf8'), timedOut });
      });
    });
    const wallMs = performance.now() - started;
    if (options.workDir !== undefined) writeFileSync(join(dir, 'ngspice.log'), log);
    if (error?.code === 'ENOENT') throw new KirchhoffError('ngspice-not-found', `ngspice is not installed or not on PATH (tried '${binary}'): ${INSTALL_HINT}`);
    if (error) throw new KirchhoffError('ngspice-failed', `cannot run '${binary}': ${error.message}`);
    if (timedOut) throw new KirchhoffError('ngspice-timeout', `ngspice did not finish within ${(options.timeoutMs! / 1000).toFixed(0)} s`);
    const failure = ngspiceFailure(log);
    if (failure) throw failure;
    if (code !== 0 || !existsSync(data)) {
      const tail = log.trim().split('\n').slice(-5).join(' | ');
      throw new KirchhoffError('ngspice-failed', `ngspice exited with code ${code}${existsSync(data) ? '' : ' and wrote no data'}: ${tail}`);
    }
    const { times, vectors } = parseWrdata(readFileSync(data, 'utf8'));
    return { times, vectors, wallMs, stats: parseStats(log), log };
  } finally {
    if (options.workDir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

/** Node n's voltage over the run's times; throws when ngspice did not write it. */
export function nodeVoltage(run: NgspiceRun, node: number): Float64Array {
  const v = run.vectors.get(`v(${node})`) ?? run.vectors.get(String(node));
  if (!v) throw new KirchhoffError('ngspice-failed', `ngspice wrote no voltage for node ${node}`);
  return v;
}

import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Issue } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * A DenseAM task file (`kirchhoff denseam <file>`, docs/denseam.md): which task, the model's constants
 * (β, τ_h, the realism switches), the solver and, for parity, the training recipe. Strict: an unknown
 * key is an error.
 */
const solverBlock = z.strictObject({
  name: z.string(),
  dt0: z.number().positive().optional(),
  rtol: z.number().positive().optional(),
  atol: z.number().positive().optional(),
  maxSteps: z.number().int().positive().optional(),
  controller: z.string().optional(),
  options: z.record(z.string(), z.number()).optional(),
});

const modelBlock = z.strictObject({
  beta: z.number().optional(),
  tauHidden: z.number().positive().optional(),
  mode: z.enum(['virtual-ground', 'passive']).optional(),
  amplifierTau: z.number().positive().optional(),
  conductanceNoise: z.strictObject({ std: z.number().min(0), seed: z.number().int().min(0) }).optional(),
  /** Explicit memories (rows of ξ) and optional hidden→visible weights, checked for transposition. */
  weights: z.array(z.array(z.number())).optional(),
  weightsBack: z.array(z.array(z.number())).optional(),
  clamped: z.array(z.number().int()).optional(),
  readout: z.array(z.number().int()).optional(),
});

const trainingBlock = z.strictObject({
  epochs: z.number().int().positive(),
  dt: z.number().positive(),
  peakLr: z.number().positive(),
  warmupEpochs: z.number().int().positive(),
  clip: z.number().positive(),
  weightDecay: z.number().min(0),
  penaltyStart: z.number().int().min(0),
  penaltyMax: z.number().min(0),
  seed: z.number().int().min(0),
  /** Initial raw-parameter scales: the reference code's, the wider default, or explicit standard deviations. */
  init: z
    .union([
      z.enum(['reference', 'wide']),
      z.strictObject({ tokens: z.number().min(0), positions: z.number().min(0), hopfield: z.number().min(0), hopfieldBias: z.number().min(0) }),
    ])
    .optional(),
  evaluateEvery: z.number().int().positive(),
});

export const denseAmFileSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  task: z.enum(['xor', 'hamming', 'parity']),
  model: modelBlock.optional(),
  solver: solverBlock.optional(),
  /** Relaxation time in units of τ_v. */
  duration: z.number().positive().optional(),
  settlingTolerance: z.number().positive().optional(),
  /** Hamming: which error sets (bits flipped per word). */
  flips: z.array(z.union([z.literal(1), z.literal(2)])).optional(),
  training: trainingBlock.optional(),
  runDir: z.string().optional(),
});

export type DenseAmFile = z.infer<typeof denseAmFileSchema> & { readonly baseDir: string; readonly path: string };

export function decodeDenseAmText(path: string, text: string, baseDir: string): E.Either<Issue[], DenseAmFile> {
  let data: unknown;
  try {
    data = parse(text, { uniqueKeys: true });
  } catch (err) {
    return E.left([{ code: 'yaml-syntax', where: path, message: (err as Error).message }]);
  }
  const result = denseAmFileSchema.safeParse(data);
  if (!result.success) {
    return E.left(
      result.error.issues.map((i) => ({
        code: i.code === 'unrecognized_keys' ? 'unknown-key' : 'invalid-value',
        where: `${path}: ${i.path.join('.')}`,
        message: i.message,
      })),
    );
  }
  if (result.data.task === 'parity' && !result.data.training) {
    return E.left([{ code: 'missing-field', where: `${path}: training`, message: 'the parity task trains a model: give a training block' }]);
  }
  return E.right({ ...result.data, baseDir, path });
}

export async function decodeDenseAmFile(path: string, cwd = process.cwd()): Promise<E.Either<Issue[], DenseAmFile>> {
  const absolute = resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch {
    return E.left([{ code: 'file-not-found', where: path, message: `cannot read ${absolute}` }]);
  }
  return decodeDenseAmText(path, text, dirname(absolute));
}

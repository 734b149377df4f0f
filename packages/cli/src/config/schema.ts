import * as z from 'zod';

/**
 * The shape of a circuit/simulation file, checked before anything is built. It checks types and
 * structure only: value rules that core already enforces (node ranges, capacitance ≥ 0, durations > 0,
 * parameter counts) are left to core, so their issue codes are the same wherever a circuit comes from.
 * Every object is strict: an unknown key (a typo) is an error, never silently ignored.
 */

const binaryFile = <F extends z.ZodEnum>(format: F, layout: string) =>
  z
    .strictObject({
      file: z.string().min(1).describe('path of a raw binary file, relative to this file'),
      format: format.describe('element type and byte order'),
    })
    .describe(layout);

const initSpecSchema = z
  .union([
    z.number(),
    z.enum(['kaiming-normal', 'zeros', 'ones']),
    z.strictObject({ normal: z.strictObject({ mean: z.number().optional(), std: z.number().min(0) }) }),
    z.strictObject({ uniform: z.strictObject({ low: z.number(), high: z.number() }) }),
  ])
  .meta({
    id: 'InitSpec',
    description: "how a parameter row is initialised: a constant, 'kaiming-normal' (std √(2/E), E = edges in the slice), 'zeros', 'ones', {normal: {mean?, std}} or {uniform: {low, high}}",
  });

const paramSpec = z
  .union([
    z.string().describe('a parameter name, with the type’s default init'),
    z.strictObject({
      name: z.string(),
      init: initSpecSchema.optional(),
      trainable: z.boolean().optional(),
      bounds: z.tuple([z.number(), z.number()]).optional(),
      unused: z.boolean().optional(),
      description: z.string().optional(),
    }),
  ])
  .meta({ id: 'BranchParam' });

const kind = z.enum(['delta', 'controlled']).describe("'delta': depends on vs − vd only (two-terminal); 'controlled': a voltage-controlled source");
const current = z.string().describe('mathjs expression in vs, vd and the parameter names; positive current flows source → destination');
const aliases = z.array(z.string()).optional();

/** A plugin's BranchType, written out in the file. */
const fullBranchType = z.strictObject({
  name: z.string().describe('kebab-case id'),
  aliases,
  meta: z.strictObject({
    description: z.string(),
    params: z.array(paramSpec),
    kind,
    init: initSpecSchema.optional(),
    docsUrl: z.string().optional(),
  }),
  current,
});

/** The same, with `meta` flattened into the type: the short form for hand-written files. */
const flatBranchType = z.strictObject({
  name: z.string().describe('kebab-case id'),
  aliases,
  description: z.string().optional(),
  params: z.array(paramSpec).optional().describe('default: none'),
  kind,
  init: initSpecSchema.optional(),
  docsUrl: z.string().optional(),
  current,
});

// The short form first: when both forms fit a mistyped entry equally well, the first one is reported.
export const inlineBranchTypeSchema = z.union([flatBranchType, fullBranchType]).meta({ id: 'InlineBranchType' });

const typeRef = z
  .union([
    z.string().describe('a branch type id or alias, or the name of an inline type'),
    z.strictObject({ family: z.string(), options: z.record(z.string(), z.unknown()).optional() }),
  ])
  .describe('which branch type the group uses');

const edges = z
  .union([
    z.array(z.tuple([z.number(), z.number()])).describe('[source, destination] node pairs; 0 is ground'),
    binaryFile(z.enum(['int32-le']), 'raw 2×E: E sources then E destinations'),
  ])
  .describe('the group’s edges');

const params = z
  .union([
    z
      .record(z.string(), z.union([z.number(), z.array(z.number())]))
      .describe('by parameter name: one value per edge, or a single value for every edge; rows not given are drawn from their init'),
    binaryFile(z.enum(['float32-le', 'float64-le']), 'raw P×E, row k = parameter k for every edge'),
  ])
  .describe('the group’s parameters');

const branchGroup = z.strictObject({ type: typeRef, edges, params: params.optional() }).meta({ id: 'BranchGroup' });

const slice = z.strictObject({
  duration: z.number().describe('seconds this slice runs, > 0'),
  branches: z.array(branchGroup),
});

const solverConfigSchema = z
  .strictObject({
    name: z.string().describe('solver id, e.g. dopri5; see `kirchhoff solvers`'),
    rtol: z.number().optional(),
    atol: z.number().optional(),
    dt0: z.number().optional().describe('first step; default: chosen by the solver'),
    dtMin: z.number().optional(),
    dtMax: z.number().optional(),
    maxSteps: z.number().optional(),
    controller: z.string().optional().describe('step-size controller id; default: the solver’s own; see `kirchhoff solvers`'),
    controllerOptions: z.record(z.string(), z.unknown()).optional().describe('controller-specific options'),
    errorControl: z.enum(['batch', 'per-sample']).optional().describe("'batch': one step size for the whole batch (default); 'per-sample': each sample solved alone"),
    options: z.record(z.string(), z.unknown()).optional().describe('solver-specific options'),
  })
  .describe('ODE solver settings, checked by the solvers package');

const couplingSchema = z
  .strictObject({
    activation: z.string().describe('identity, relu, tanh or softmax (a group law over the source nodes)'),
    beta: z.number().optional().describe('inverse temperature β > 0 (softmax); default 1'),
    source: z.array(z.number()).describe('the activation group: nodes 1..N'),
    target: z.array(z.number()).describe('the nodes the crossbar drives'),
    weights: z.array(z.array(z.number())).describe('conductances, one row per source node, one column per target node'),
    mode: z.enum(['virtual-ground', 'passive']).optional().describe('crossbar lines at virtual ground (default) or the target nodes themselves'),
  })
  .describe('a node-group activation driving a crossbar (docs/denseam.md)');

export const circuitFileSchema = z
  .strictObject({
    $schema: z.string().optional().describe('JSON schema reference for editors; ignored'),
    description: z.string().optional(),
    nodes: z.number().describe('number of non-ground nodes N; nodes are 1..N, 0 is ground'),
    capacitance: z
      .union([z.number(), z.array(z.number())])
      .optional()
      .describe('farads: one value for every node, or a list of N values; default 1'),
    branchTypes: z.array(inlineBranchTypeSchema).optional().describe('branch types defined in this file'),
    plugins: z.array(z.string()).optional().describe('ES modules exporting branch types, families or function rules; paths relative to this file'),
    slices: z.array(slice).min(1).optional().describe('time slices run one after another; or use top-level duration + branches'),
    duration: z.number().optional().describe('single-slice shorthand: the slice’s duration'),
    branches: z.array(branchGroup).optional().describe('single-slice shorthand: the slice’s branch groups'),
    input: z.array(z.array(z.number())).min(1).describe('initial voltages of nodes 1..N, one list per sample'),
    clamped: z.array(z.number()).optional().describe('nodes held at their input voltage by ideal voltage sources (dv/dt = 0)'),
    couplings: z.array(couplingSchema).optional().describe('node-group activations driving crossbars, present in every slice'),
    energy: z.string().optional().describe('energy expression in v1..vN, evaluated at every accepted step; simulate reports its largest increase'),
    seed: z.int().min(0).max(0xffffffff).optional().describe('seed of the PRNG that draws parameters not given; default 0'),
    solver: solverConfigSchema.optional().describe('default: {name: dopri5}'),
    save: z.array(z.number()).optional().describe('absolute times to write; default: the end of every slice'),
    output: z
      .strictObject({
        format: z.enum(['csv', 'json']).optional(),
        path: z.string().optional().describe('relative to this file; default: standard output'),
      })
      .optional(),
  })
  .superRefine(
    (file, ctx) => {
      const single = file.duration !== undefined || file.branches !== undefined;
      if (file.slices && single) {
        ctx.addIssue({ code: 'custom', path: ['slices'], params: { code: 'conflicting-slices' }, message: 'give either slices or top-level duration + branches, not both' });
      } else if (!file.slices) {
        for (const key of ['duration', 'branches'] as const) {
          if (file[key] === undefined) {
            ctx.addIssue({ code: 'custom', path: [key], params: { code: 'missing-field' }, message: `${key} is required when the file has no slices` });
          }
        }
      }
    },
    // Run even when other fields are wrong, so that one pass reports every problem; it reads only key presence.
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value) },
  )
  .describe('A Kirchhoff circuit and the simulation to run on it');

export type CircuitFile = z.infer<typeof circuitFileSchema>;
export type InlineBranchType = z.infer<typeof inlineBranchTypeSchema>;
export type BranchGroupSpec = z.infer<typeof branchGroup>;

/** The JSON schema of circuit files, for editors; `pnpm --filter @kirchhoff/cli schema` writes it. */
export function circuitJsonSchema(): string {
  const { $schema, ...schema } = z.toJSONSchema(circuitFileSchema, { io: 'input', target: 'draft-2020-12' });
  return `${JSON.stringify({ $schema, title: 'Kirchhoff circuit file', ...schema }, null, 2)}\n`;
}

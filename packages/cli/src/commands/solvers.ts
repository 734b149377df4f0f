import type { OptionSchema, Solver, StepController } from '@kirchhoff/core';
import * as E from 'fp-ts/Either';
import { createContainer, solverRegistries } from '../engine';
import type { CliIo } from '../io';
import { CliError } from '../issues';

export interface SolversOptions {
  readonly json?: boolean;
}

function optionLines(options: OptionSchema, indent: string): string[] {
  return Object.entries(options).map(([name, o]) => {
    const range = [
      o.min !== undefined && `${o.exclusiveMin ? '>' : '≥'} ${o.min}`,
      o.max !== undefined && `≤ ${o.max}`,
    ].filter(Boolean);
    return `${indent}${name} (${o.type}${range.length ? `, ${range.join(', ')}` : ''}, default ${o.default}): ${o.description}`;
  });
}

function solverText(solver: Solver): string {
  const m = solver.meta;
  const aka = solver.aliases?.length ? ` (alias ${solver.aliases.join(', ')})` : '';
  const facts = [
    `order ${m.order}`,
    m.errorOrder !== undefined && `error estimate of order ${m.errorOrder}`,
    m.denseOrder !== undefined && `dense output of order ${m.denseOrder}`,
    m.adaptive ? 'adaptive' : 'fixed step',
    m.fsal && 'FSAL',
    m.stepsInternally ? 'steps internally (no controller)' : m.defaultController && `default controller ${m.defaultController}`,
  ].filter(Boolean);
  const options = optionLines(m.options, '      ');
  return [
    `  ${solver.name}${aka}`,
    `    ${m.description}`,
    `    ${facts.join('; ')}`,
    ...(m.citation ? [`    source: ${m.citation}`] : []),
    `    options:${options.length ? '' : ' none'}`,
    ...options,
  ].join('\n');
}

function controllerText(controller: StepController): string {
  const m = controller.meta;
  const aka = controller.aliases?.length ? ` (alias ${controller.aliases.join(', ')})` : '';
  const options = optionLines(m.options, '      ');
  return [
    `  ${controller.name}${aka}`,
    `    ${m.description}`,
    `    ${m.adaptive ? 'adaptive: uses rtol, atol, dtMin, dtMax' : 'fixed step'}${m.requiresDt0 ? '; needs dt0' : ''}`,
    `    options:${options.length ? '' : ' none'}`,
    ...options,
  ].join('\n');
}

/** `kirchhoff solvers`: every registered solver and step controller with its metadata. */
export function solversCommand(options: SolversOptions, io: CliIo): void {
  const registries = solverRegistries(createContainer());
  if (E.isLeft(registries)) throw new CliError(registries.left.map((i) => ({ ...i, where: 'solvers' })));
  const { solvers, controllers } = registries.right;
  if (options.json) {
    const entry = (p: Solver | StepController) => ({ name: p.name, aliases: p.aliases ?? [], meta: p.meta });
    io.out(`${JSON.stringify({ solvers: solvers.list().map(entry), controllers: controllers.list().map(entry) }, null, 2)}\n`);
    return;
  }
  io.out(['Solvers', ...solvers.list().map(solverText), '', 'Step controllers', ...controllers.list().map(controllerText)].join('\n') + '\n');
}

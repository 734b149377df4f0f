// The public surface of @kirchhoff/solvers: named re-exports only.
export { constant, constantStepCount } from './controllers/constant';
export { pi } from './controllers/pi';
export { torchdiffeq } from './controllers/torchdiffeq';
export { odex, OdexState } from './odex/odex';
export { dopri5 } from './rk/dopri5';
export { euler } from './rk/euler';
export { explicitRk, type ExplicitRkDefinition, type ExplicitRkSolver, type ExplicitRkState } from './rk/explicit-rk';
export { polynomialInterpolation, type RkInterpolation } from './rk/interpolation';
export { rk4 } from './rk/rk4';
export { ButcherTableau, type ButcherTableauSpec } from './rk/tableau';
export { tsit5 } from './rk/tsit5';
export { registerSolvers, solvers, stepControllers } from './register';
export { backwardEuler, backwardEulerMethod } from './implicit/backward-euler';
export { bdf2, bdf2Method } from './implicit/bdf2';
export { implicitSolver, ImplicitState, type ImplicitMethod, type ImplicitSolver, type ImplicitStep, type ImplicitWorkspace } from './implicit/implicit-solver';
export { implicitOptions } from './implicit/options';
export { trBdf2, trBdf2Method } from './implicit/tr-bdf2';
export { trapezoidal, trapezoidalMethod } from './implicit/trapezoidal';

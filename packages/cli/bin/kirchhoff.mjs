#!/usr/bin/env node
// The package ships TypeScript sources; tsx's loader runs them without a build step. Its tsconfig is
// named explicitly: tsx would otherwise look for one in the caller's working directory.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src/main.ts');

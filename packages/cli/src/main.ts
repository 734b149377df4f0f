// tsyringe reads Reflect metadata when the container resolves; it must be loaded before anything else.
import 'reflect-metadata';
import { processIo } from './io';
import { runCli } from './program';

process.exitCode = await runCli(process.argv.slice(2), processIo());

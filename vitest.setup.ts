// tsyringe needs the Reflect metadata API; every entry point (CLI, tests, benchmarks) imports it once.
import 'reflect-metadata';

#!/usr/bin/env node
// The CLI runs the TypeScript sources directly through tsx, so `npx fer-lab` works right after
// `npm ci` with no build step, and the same modules serve the CLI, the server and the tests.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

register();
const here = dirname(fileURLToPath(import.meta.url));
const { main } = await import(join(here, '..', 'src-main', 'cli', 'main.ts'));
process.exitCode = await main(process.argv);

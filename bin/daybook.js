#!/usr/bin/env node
// The `daybook` command. The project is TypeScript run as it is written (no build
// step for Node), so this launcher registers tsx's loader and hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/hub/cli.ts');
process.exit(await main(process.argv.slice(2), process.env));

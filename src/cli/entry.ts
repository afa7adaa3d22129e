// Process entry of the `cairn` command: runs the CLI with this process's arguments.
import { runCli } from './main.js';

process.exitCode = await runCli(process.argv.slice(2));

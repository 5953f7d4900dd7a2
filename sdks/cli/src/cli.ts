#!/usr/bin/env node
// The plinth command: built on @plinth/sdk, one file per command in ./commands.
import { Command } from 'commander';
import { listenCommand } from './commands/listen.js';
import { loginCommand } from './commands/login.js';
import { logsCommand } from './commands/logs.js';
import { seedCommand } from './commands/seed.js';
import { triggerCommand } from './commands/trigger.js';
import { fail } from './run.js';
import { VERSION } from './version.js';

const program = new Command()
  .name('plinth')
  .description('The Plinth command line: log in, forward events to a local receiver, trigger sample events, seed data, read logs.')
  .version(VERSION, '-v, --version')
  .showHelpAfterError('(run plinth <command> --help for its options)')
  .addHelpText(
    'after',
    `
Every command but login takes --api-key and --base-url, or reads PLINTH_API_KEY and PLINTH_BASE_URL,
or uses the key plinth login stored ($PLINTH_CONFIG or ~/.config/plinth/config.json).`,
  );

loginCommand(program);
listenCommand(program);
triggerCommand(program);
seedCommand(program);
logsCommand(program);

program.parseAsync().catch((err: unknown) => fail(err, process.argv.includes('--json')));

import type { Command } from 'commander';
import { clientFor } from '../client.js';
import { configPath, maskKey, resolveBaseUrl, updateProfile } from '../config.js';
import { CliError, isPlinthError, Output } from '../output.js';
import { readSecret } from '../prompt.js';
import { action } from '../run.js';

interface LoginOptions {
  apiKey?: string;
  baseUrl?: string;
  json?: boolean;
}

export function loginCommand(program: Command): void {
  program
    .command('login')
    .description('Store an API key for a Plinth server, after checking that it works')
    .option('--api-key <key>', 'the secret key (sk_live_... or sk_test_...); without it, read from stdin or asked for')
    .option('--base-url <url>', 'the Plinth server (default: PLINTH_BASE_URL, the last login, or http://localhost:3000)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
The key is saved in $PLINTH_CONFIG or ~/.config/plinth/config.json (mode 0600), one profile per base
URL; the server you log in to becomes the default. Other commands use it unless given --api-key or
PLINTH_API_KEY.

Examples:
  $ plinth login --api-key sk_live_... --base-url http://localhost:3000
  $ echo "$KEY" | plinth login --base-url https://api.example.com`,
    )
    .action(action(login));
}

async function login(options: LoginOptions): Promise<void> {
  const out = new Output(Boolean(options.json));
  const baseUrl = resolveBaseUrl(options);
  const apiKey = (options.apiKey ?? (await readSecret(`API key for ${baseUrl}: `))).trim();
  if (!apiKey) throw new CliError('No API key given: pass --api-key, pipe it on stdin, or type it at the prompt.');
  if (!apiKey.startsWith('sk_')) throw new CliError('That is not a secret API key: they start with sk_ (create one with POST /v1/api-keys).');

  // Any authenticated call proves the key; a missing scope still means the key is valid.
  const warnings: string[] = [];
  try {
    await clientFor(baseUrl, apiKey).events.list({ limit: 1 });
  } catch (err) {
    if (!isPlinthError(err) || err.code !== 'missing_permission') throw err;
    warnings.push('This key lacks events:read, which plinth listen and plinth logs need.');
  }
  updateProfile(baseUrl, { api_key: apiKey, logged_in_at: new Date().toISOString() }, true);

  out.data({ base_url: baseUrl, api_key: maskKey(apiKey), config: configPath(), warnings });
  out.line(`Logged in to ${baseUrl} with ${maskKey(apiKey)} (saved in ${configPath()}).`);
  for (const w of warnings) out.note(`Warning: ${w}`);
}

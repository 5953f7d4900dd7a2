import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from './output.js';

/** What the CLI remembers about one Plinth server. */
export interface Profile {
  api_key?: string;
  logged_in_at?: string;
  /** The secret `plinth listen` signs with: generated once, so a receiver's configuration keeps working. */
  webhook_signing_secret?: string;
}

/** The config file: one profile per base URL, and the server the last `plinth login` chose. */
export interface ConfigFile {
  default_base_url?: string;
  profiles: Record<string, Profile>;
}

export const DEFAULT_BASE_URL = 'http://localhost:3000';

export function configPath(): string {
  return process.env.PLINTH_CONFIG || join(homedir(), '.config', 'plinth', 'config.json');
}

export function readConfig(): ConfigFile {
  const path = configPath();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
    throw new CliError(`Cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as Partial<ConfigFile>;
    return { ...parsed, profiles: parsed.profiles ?? {} };
  } catch {
    throw new CliError(`${path} is not valid JSON: fix or delete it, then run plinth login again.`);
  }
}

/** Writes the whole file readable by its owner only (it holds secret keys), replacing it atomically. */
export function writeConfig(config: ConfigFile): void {
  const path = configPath();
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

export function updateProfile(baseUrl: string, change: Partial<Profile>, makeDefault = false): void {
  const config = readConfig();
  config.profiles[baseUrl] = { ...config.profiles[baseUrl], ...change };
  if (makeDefault) config.default_base_url = baseUrl;
  writeConfig(config);
}

/** `http://LOCALHOST:3000/` and `http://localhost:3000` are one profile. */
export function normalizeBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`'${raw}' is not a URL: pass a base URL such as ${DEFAULT_BASE_URL}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`'${raw}' is not an http(s) URL.`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export interface ConnectionOptions {
  apiKey?: string;
  baseUrl?: string;
}

export interface Connection {
  baseUrl: string;
  apiKey: string;
  /** Where the key came from, for messages. */
  source: 'option' | 'environment' | 'login';
}

/** The base URL: `--base-url`, then PLINTH_BASE_URL, then the last login's, then localhost. */
export function resolveBaseUrl(options: ConnectionOptions, config = readConfig()): string {
  return normalizeBaseUrl(options.baseUrl || process.env.PLINTH_BASE_URL || config.default_base_url || DEFAULT_BASE_URL);
}

/** The key: `--api-key`, then PLINTH_API_KEY, then the key `plinth login` stored for the base URL. */
export function resolveConnection(options: ConnectionOptions): Connection {
  const config = readConfig();
  const baseUrl = resolveBaseUrl(options, config);
  if (options.apiKey) return { baseUrl, apiKey: options.apiKey, source: 'option' };
  if (process.env.PLINTH_API_KEY) return { baseUrl, apiKey: process.env.PLINTH_API_KEY, source: 'environment' };
  const stored = config.profiles[baseUrl]?.api_key;
  if (stored) return { baseUrl, apiKey: stored, source: 'login' };
  throw new CliError(`No API key for ${baseUrl}: run plinth login, pass --api-key, or set PLINTH_API_KEY.`);
}

/** The `plinth listen` signing secret of a base URL, created and stored on first use. */
export function listenSecret(baseUrl: string): string {
  const existing = readConfig().profiles[baseUrl]?.webhook_signing_secret;
  if (existing) return existing;
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  updateProfile(baseUrl, { webhook_signing_secret: secret });
  return secret;
}

/** `sk_live_...abcd`: enough to recognise a key, never the secret. */
export function maskKey(key: string): string {
  const prefix = key.match(/^sk_[a-z]+_/)?.[0] ?? '';
  return `${prefix}...${key.slice(-4)}`;
}

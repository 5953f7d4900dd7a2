import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots land here; CI keeps the folder as an artifact. */
export const ARTIFACTS = resolve(__dirname, '..', '..', '..', 'artifacts');

/**
 * The system Chromium (apt-get install chromium), driven by playwright-core. CI installs it; on a
 * machine without it, browser tests are skipped with a message rather than failing for a missing
 * binary (set CI=true to make its absence an error).
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  console.warn(`skipping browser tests: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  return false;
}

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
}

export function artifactPath(...parts: string[]): string {
  const dir = join(ARTIFACTS, ...parts.slice(0, -1));
  mkdirSync(dir, { recursive: true });
  return join(dir, parts[parts.length - 1]!);
}

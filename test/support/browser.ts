/**
 * Real headless Chromium through playwright-core. Debian's chromium is used (npx playwright
 * install cannot download here); as root it needs --no-sandbox, and the background-networking
 * flags stop it calling out to a network that is closed.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';

function chromiumPath(): string {
  const candidates = [process.env.PAPERBOY_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((c) => c && existsSync(c));
  if (!found)
    throw new Error("Chromium not found: run the test command (npm test), which installs Debian's chromium");
  return found;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Artifacts (screenshots) go under test-results/, which the test run keeps. */
export function artifactPath(name: string): string {
  const dir = path.resolve('test-results');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

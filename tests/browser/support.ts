// What the browser tests share: Debian's Chromium driven by puppeteer-core, and the demo
// pages served from a port of their own (another origin than the API), with the
// `config.json` the pages read to find the API.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import puppeteer, { type Browser, type LaunchOptions } from 'puppeteer-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DEMO = path.resolve('demo');
const TYPES: Record<string, string> = { html: 'text/html', js: 'text/javascript', css: 'text/css', map: 'application/json' };

/** Headless Chromium as the tests run it. */
export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    ...options,
  });
}

/**
 * Serves demo/ at `<origin>/demo/…` on 127.0.0.1 at a free port; `/demo/config.json` tells
 * the pages the API's URL and anon key.
 */
export async function serveDemo(config: { url: string; anonKey: string }): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://x').pathname.replace(/^\/demo\/?/, '') || 'index.html';
    if (pathname === 'config.json') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(config));
      return;
    }
    const file = path.join(DEMO, pathname);
    if (!file.startsWith(DEMO) || !fs.existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[path.extname(file).slice(1)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}/demo`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

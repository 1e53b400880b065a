// Playwright end-to-end tests in Debian's Chromium, against the release build in dist/.
// No browser is ever downloaded: executablePath points at /usr/bin/chromium.
import { defineConfig } from '@playwright/test';

// E2E_PORT lets several worktrees on one machine run their suites at once.
const PORT = Number(process.env.E2E_PORT ?? 8090);

export default defineConfig({
  testDir: 'e2e',
  testMatch: /.*\.spec\.ts$/,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  // dist/ served as a static host serves it: precompressed, application/wasm, cache
  // headers (scripts/serve.py, README "Hosting dist/").
  webServer: {
    command: `python3 scripts/serve.py --port ${PORT} --bind 127.0.0.1 --dir dist --quiet`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 30_000,
  },
});

// The UI benchmark (not a timed test): `make bench` or
// `npx playwright test --config e2e/bench.config.ts`. It prints its figures.
import { defineConfig } from '@playwright/test';
import base from '../playwright.config';


export default defineConfig({
  ...base,
  testDir: 'bench',
  testMatch: /.*\.bench\.ts$/,
  timeout: 300_000,
  // The server serves dist/ from the project root, not from e2e/.
  webServer: { ...(base.webServer as object), cwd: '..' } as any,
});

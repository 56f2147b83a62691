import fs from 'node:fs';
import { afterAll, afterEach, beforeEach } from 'vitest';
import { assertEnvironmentPrivate, usePrivateHome } from './private-home';

// Every unit and integration test file runs with a private, empty home (vitest.config.ts lists this
// file in setupFiles); a test that points HOME or an XDG folder back at the real home fails.
const home = usePrivateHome();
beforeEach(() => assertEnvironmentPrivate());
afterEach(() => assertEnvironmentPrivate());
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

// setupFiles of the e2e project: a failed test prints the cluster's component logs.
import { beforeEach } from 'vitest';
import { collectComponentLogs } from './logs.ts';

beforeEach(({ onTestFailed }) => {
  onTestFailed(async () => {
    console.error(`component logs at the failure:\n${await collectComponentLogs()}`);
  });
});

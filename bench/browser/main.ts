// The webgl half of value-checks.ts: measures in the page and leaves the result on `window`. Not awaited
// at the top level, which would hold back the page's load event for the whole measurement.
import '@tensorflow/tfjs-backend-webgl';
import { setupBackend } from '@simclr/core';
import { measureValueChecks } from '../value-checks-step.js';

const params = new URLSearchParams(location.search);
const out = window as unknown as { result?: unknown; failure?: string };
void (async () => {
  try {
    await setupBackend('webgl');
    out.result = await measureValueChecks(
      Number(params.get('batch') ?? 64),
      Number(params.get('rounds') ?? 6),
    );
  } catch (e) {
    out.failure = String((e as Error).stack ?? e);
  }
})();

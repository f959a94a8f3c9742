// The entry of a search worker (parallel.ts). A worker thread starts without the main thread's module
// hooks, so it registers tsx itself — resolved from here, not from the current directory — and then
// loads the TypeScript worker. This works the same under bin/sbsim.js, `node --import tsx` and vitest.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');

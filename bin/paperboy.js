#!/usr/bin/env node
// npx puts node_modules/.bin first on PATH, so `env node` is the pinned Node 24, whose type
// stripping runs the TypeScript sources directly.
const { run } = await import('../src/cli/main.ts');
await run();

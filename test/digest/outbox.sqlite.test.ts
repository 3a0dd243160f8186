import { rmSync } from 'node:fs';
import { sqliteStore } from './helpers.ts';
import { runOutboxContract } from './outbox.contract.ts';

runOutboxContract('sqlite', async () => {
  const { store, dir } = sqliteStore();
  return {
    store,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

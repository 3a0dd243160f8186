import { rmSync } from 'node:fs';
import { runOutboxContract } from './outbox.contract.ts';
import { sqliteStore } from './helpers.ts';

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

// Never skipped: without PostgreSQL (PAPERBOY_TEST_PG_URL or scripts/pg-test-cluster.sh) this fails.

import { pgStore } from './helpers.ts';
import { runOutboxContract } from './outbox.contract.ts';

runOutboxContract('postgres', async () => {
  const { store, drop } = await pgStore();
  return { store, close: drop };
});

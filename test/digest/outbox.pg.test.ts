// Never skipped: without PostgreSQL (PAPERBOY_TEST_PG_URL or scripts/pg-test-cluster.sh) this fails.
import { runOutboxContract } from './outbox.contract.ts';
import { pgStore } from './helpers.ts';

runOutboxContract('postgres', async () => {
  const { store, drop } = await pgStore();
  return { store, close: drop };
});

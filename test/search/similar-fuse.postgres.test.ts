/**
 * The fused similar-papers contract on PostgreSQL (PAPERBOY_TEST_PG_URL, or the throwaway cluster
 * from scripts/pg-test-cluster.sh), in a fresh schema from the digest tests' `pgStore`. Never
 * skips; the schema is dropped at the end (the contract closes the store first; closing is
 * idempotent).
 */
import { after } from 'node:test';
import { pgStore } from '../digest/helpers.ts';
import { runSimilarFuseContract } from './similar-fuse.contract.ts';

let drop: (() => Promise<void>) | undefined;
after(async () => drop?.());

runSimilarFuseContract('postgres', async () => {
  const s = await pgStore();
  drop = s.drop;
  return s.store;
});

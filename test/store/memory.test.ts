import { createMemoryStore } from '../../src/core/memory/memory-store.ts';
import { leadStoreContract } from './lead-store.contract.ts';

leadStoreContract('in-memory', async () => {
  const store = createMemoryStore();
  return { store, cleanup: () => store.close() };
});

import { storeBackends } from '../helpers/stores.ts';
import { leadStoreContract } from './lead-store.contract.ts';

const sqlite = storeBackends().find((b) => b.name === 'sqlite');
leadStoreContract('Prisma on SQLite', async () => {
  const opened = await sqlite?.open();
  if (!opened) throw new Error('SQLite backend must always be available');
  return opened;
});

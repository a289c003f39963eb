import { MemoryStorage } from '../../src/storage/memory.ts';
import { describeStorageConformance } from './storage-suite.ts';

describeStorageConformance('memory', {
  create: async () => new MemoryStorage(),
  replica: async (store) => new MemoryStorage((store as MemoryStorage).datastore),
});

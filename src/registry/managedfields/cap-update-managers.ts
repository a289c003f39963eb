// Update entries pile up (every client name, every User-Agent version); upstream keeps at most ten
// and folds the oldest into one "ancient-changes" entry. Apply entries are never folded.
import { compareText, sameManager, timeInSeconds, type ManagerFields } from './managers.ts';

export const MAX_UPDATE_MANAGERS = 10;
export const ANCIENT_CHANGES = 'ancient-changes';

export function capUpdateManagers(managers: readonly ManagerFields[]): ManagerFields[] {
  const updaters = managers.filter((entry) => entry.operation === 'Update');
  if (updaters.length <= MAX_UPDATE_MANAGERS) return [...managers];
  const oldestFirst = [...updaters].sort(
    (a, b) => timeInSeconds(a.time) - timeInSeconds(b.time) || compareText(a.manager, b.manager),
  );
  const result = [...managers];
  const bucketId = { manager: ANCIENT_CHANGES, operation: 'Update' as const };
  let count = updaters.length;
  let first: ManagerFields | undefined;
  for (const entry of oldestFirst) {
    if (count <= MAX_UPDATE_MANAGERS) break;
    if (!first) {
      // The oldest becomes the bucket once a second one has to join it.
      first = entry;
      continue;
    }
    let bucket = result.find((candidate) => sameManager(candidate, bucketId));
    if (!bucket) {
      bucket = { ...first, ...bucketId };
      delete bucket.subresource;
      result[result.indexOf(first)] = bucket;
    }
    result[result.indexOf(bucket)] = { ...bucket, fields: bucket.fields.union(entry.fields), time: entry.time, apiVersion: entry.apiVersion };
    result.splice(result.indexOf(entry), 1);
    count--;
  }
  return result;
}

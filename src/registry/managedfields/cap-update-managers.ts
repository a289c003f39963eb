// Update entries pile up (every client name, every User-Agent version); upstream keeps at most ten
// and folds the oldest into one "ancient-changes" entry. Apply entries are never folded.
import { compareText, sameManager, timeInSeconds, type ManagerFields } from './managers.ts';

export const MAX_UPDATE_MANAGERS = 10;
export const ANCIENT_CHANGES = 'ancient-changes';

const bucketId = { manager: ANCIENT_CHANGES, operation: 'Update' as const };

export function capUpdateManagers(managers: readonly ManagerFields[]): ManagerFields[] {
  const updaters = managers.filter((entry) => entry.operation === 'Update');
  if (updaters.length <= MAX_UPDATE_MANAGERS) return [...managers];
  const oldestFirst = [...updaters].sort(
    (a, b) => timeInSeconds(a.time) - timeInSeconds(b.time) || compareText(a.manager, b.manager),
  );
  const result = [...managers];
  let bucket = result.find((entry) => sameManager(entry, bucketId));
  let count = updaters.length;
  for (const entry of oldestFirst) {
    if (count <= MAX_UPDATE_MANAGERS) break;
    if (entry === bucket) continue;
    if (!bucket) {
      // Without a bucket yet, the oldest entry becomes it; the next ones fold into it.
      const { subresource: _dropped, ...rest } = entry;
      bucket = { ...rest, ...bucketId };
      result[result.indexOf(entry)] = bucket;
      continue;
    }
    const folded: ManagerFields = {
      ...bucket,
      fields: bucket.fields.union(entry.fields),
      time: timeInSeconds(entry.time) > timeInSeconds(bucket.time) ? entry.time : bucket.time,
      apiVersion: entry.apiVersion,
    };
    result[result.indexOf(bucket)] = folded;
    bucket = folded;
    result.splice(result.indexOf(entry), 1);
    count--;
  }
  return result;
}

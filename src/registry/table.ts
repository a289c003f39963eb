// meta.k8s.io/v1 Table and PartialObjectMetadata[List], the representations kubectl get and the
// metadata informers ask for. Cells follow the CRD table convertor: NAME first, then the
// declaration's printer columns read with a simple JSONPath, dates as kube's human durations.
import type { PrinterColumn, ResourceDeclaration } from '../apis/declaration.ts';
import type { KubeList, KubeObject, ListMeta, ObjectMeta } from '../apis/meta.ts';

export type TableIncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export type TableCell = string | number | boolean | null;

export interface TableRow {
  cells: TableCell[];
  object?: KubeObject | PartialObjectMetadata;
}

export interface Table {
  apiVersion: 'meta.k8s.io/v1';
  kind: 'Table';
  metadata: ListMeta;
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

export interface PartialObjectMetadata {
  apiVersion: 'meta.k8s.io/v1';
  kind: 'PartialObjectMetadata';
  metadata: ObjectMeta;
}

export interface PartialObjectMetadataList {
  apiVersion: 'meta.k8s.io/v1';
  kind: 'PartialObjectMetadataList';
  metadata: ListMeta;
  items: PartialObjectMetadata[];
}

export interface TableOptions {
  /** What each row carries in `object` (kube's default: Metadata). */
  includeObject?: TableIncludeObject;
  listMeta?: ListMeta;
  /** Watch events after the first carry no column definitions. */
  noHeaders?: boolean;
  /** The reference time for date cells (default now). */
  now?: Date;
}

const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow ' +
  'a client to request the generation of an appropriate name automatically. Name is primarily intended for creation ' +
  'idempotence and configuration definition. Cannot be updated. More info: ' +
  'https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';

export function toPartialObjectMetadata(object: KubeObject): PartialObjectMetadata {
  return { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: object.metadata };
}

export function toPartialObjectMetadataList(list: KubeList): PartialObjectMetadataList {
  return {
    apiVersion: 'meta.k8s.io/v1',
    kind: 'PartialObjectMetadataList',
    metadata: list.metadata,
    items: list.items.map(toPartialObjectMetadata),
  };
}

type ColumnSource = Pick<ResourceDeclaration, 'printerColumns'> | readonly PrinterColumn[];

export function toTable(source: ColumnSource, objects: readonly KubeObject[], options: TableOptions = {}): Table {
  const columns: readonly PrinterColumn[] = Array.isArray(source) ? source : (source as Pick<ResourceDeclaration, 'printerColumns'>).printerColumns;
  const includeObject = options.includeObject ?? 'Metadata';
  const now = options.now ?? new Date();
  const paths = columns.map((c) => parseJsonPath(c.jsonPath));
  return {
    apiVersion: 'meta.k8s.io/v1',
    kind: 'Table',
    metadata: options.listMeta ?? {},
    columnDefinitions: options.noHeaders
      ? []
      : [
          { name: 'Name', type: 'string', format: 'name', description: NAME_DESCRIPTION, priority: 0 },
          ...columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description, priority: c.priority })),
        ],
    rows: objects.map((object) => ({
      cells: [object.metadata.name ?? '', ...columns.map((c, i) => cell(c.type, evaluate(paths[i]!, object)[0], now))],
      ...(includeObject === 'Object' ? { object } : includeObject === 'Metadata' ? { object: toPartialObjectMetadata(object) } : {}),
    })),
  };
}

/** cellForJSONValue: a value of the column's type, or null. */
function cell(type: PrinterColumn['type'], value: unknown, now: Date): TableCell {
  if (value === undefined || value === null) return null;
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'string':
      return typeof value === 'string' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      const time = Date.parse(value);
      if (Number.isNaN(time)) return '<invalid>';
      return humanDuration(now.getTime() - time);
    }
  }
}

/** apimachinery's duration.HumanDuration: `45s`, `5m30s`, `3h`, `2d5h`, `1y20d`. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24) % 365;
    const years = Math.trunc(hours / 24 / 365);
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

// ---- the JSONPath subset printer columns use -------------------------------------------------------

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'all' }
  | { kind: 'filter'; path: string[]; op: '==' | '!='; value: string | number | boolean };

/** `.spec.a`, `.a[0]`, `.a[*].b`, `.a['x.y']`, `.conditions[?(@.type=="Ready")].status`; braces optional. */
export function parseJsonPath(expression: string): Step[] {
  let text = expression.trim();
  if (text.startsWith('{') && text.endsWith('}')) text = text.slice(1, -1);
  if (text.startsWith('$')) text = text.slice(1);
  const steps: Step[] = [];
  let i = 0;
  const fail = () => new Error(`unsupported JSONPath ${JSON.stringify(expression)}`);
  while (i < text.length) {
    if (text[i] === '.') {
      const match = /^[^.[\]]+/.exec(text.slice(i + 1));
      if (!match) throw fail();
      steps.push({ kind: 'field', name: match[0] });
      i += 1 + match[0].length;
    } else if (text[i] === '[') {
      const end = text.indexOf(']', i);
      if (end < 0) throw fail();
      const inner = text.slice(i + 1, end).trim();
      if (inner === '*') steps.push({ kind: 'all' });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ kind: 'field', name: inner.slice(1, -1) });
      else {
        const filter = /^\?\(@((?:\.[^.=!\s]+)+)\s*(==|!=)\s*(.+)\)$/.exec(inner);
        if (!filter) throw fail();
        const raw = filter[3]!.trim();
        const value = /^'.*'$|^".*"$/.test(raw) ? raw.slice(1, -1) : raw === 'true' ? true : raw === 'false' ? false : Number(raw);
        steps.push({ kind: 'filter', path: filter[1]!.slice(1).split('.'), op: filter[2] as '==' | '!=', value });
      }
      i = end + 1;
    } else {
      throw fail();
    }
  }
  return steps;
}

function child(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined;
}

export function evaluate(steps: readonly Step[], root: unknown): unknown[] {
  let current: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of current) {
      switch (step.kind) {
        case 'field': {
          const v = child(value, step.name);
          if (v !== undefined) next.push(v);
          break;
        }
        case 'index':
          if (Array.isArray(value)) {
            const v = value.at(step.index);
            if (v !== undefined) next.push(v);
          }
          break;
        case 'all':
          if (Array.isArray(value)) next.push(...value);
          else if (typeof value === 'object' && value !== null) next.push(...Object.values(value));
          break;
        case 'filter':
          if (Array.isArray(value)) {
            for (const item of value) {
              const found = step.path.reduce<unknown>((v, name) => child(v, name), item);
              if ((found === step.value) === (step.op === '==')) next.push(item);
            }
          }
          break;
      }
    }
    current = next;
  }
  return current;
}

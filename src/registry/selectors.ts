// Label and field selectors as kube-apiserver parses them (apimachinery pkg/labels, pkg/fields).
// Parse errors are 400 BadRequest, as when kube-apiserver decodes ListOptions.
import type { KubeObject } from '../apis/meta.ts';
import { badRequest } from './errors.ts';
import { checkLabelValue, checkQualifiedName } from '../apis/names.ts';

type LabelOperator = 'exists' | '!' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';

interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export interface LabelSelector {
  readonly empty: boolean;
  matches(labels: Record<string, string> | undefined): boolean;
}

export interface FieldSelector {
  readonly empty: boolean;
  matches(object: KubeObject): boolean;
  /** The name a `metadata.name=X` requirement pins, so a single-object request can skip the others. */
  readonly name: string | undefined;
  readonly namespace: string | undefined;
}

// ---- label selectors ------------------------------------------------------------------------------

type Token =
  | { kind: 'identifier'; text: string }
  | { kind: 'symbol'; text: '!' | '=' | '==' | '!=' | '(' | ')' | ',' | '>' | '<' }
  | { kind: 'end'; text: '' };

const SYMBOLS = ['==', '!=', '!', '=', '(', ')', ',', '>', '<'] as const;

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const symbol = SYMBOLS.find((s) => input.startsWith(s, i));
    if (symbol) {
      tokens.push({ kind: 'symbol', text: symbol });
      i += symbol.length;
      continue;
    }
    let end = i;
    while (end < input.length && !/\s/.test(input[end]!) && !'!=(),<>'.includes(input[end]!)) end++;
    tokens.push({ kind: 'identifier', text: input.slice(i, end) });
    i = end;
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

class LabelParser {
  readonly #tokens: Token[];
  #position = 0;
  constructor(input: string) {
    this.#tokens = tokenize(input);
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    const first = this.#peek();
    if (first.kind === 'end') return requirements;
    if (first.kind !== 'identifier' && first.text !== '!') throw this.#unexpected(first, "!, identifier, or 'end of string'");
    for (;;) {
      try {
        requirements.push(this.#requirement());
      } catch (error) {
        throw new Error(`unable to parse requirement: ${(error as Error).message}`);
      }
      const next = this.#next();
      if (next.kind === 'end') return requirements;
      if (next.text !== ',') throw this.#unexpected(next, "',' or 'end of string'");
      const after = this.#peek();
      if (after.kind !== 'identifier' && after.text !== '!') throw this.#unexpected(after, "identifier after ','");
    }
  }

  #peek(): Token {
    return this.#tokens[this.#position]!;
  }
  #next(): Token {
    return this.#tokens[this.#position++]!;
  }
  #unexpected(token: Token, expected: string): Error {
    return new Error(`found '${token.kind === 'end' ? '' : token.text}', expected: ${expected}`);
  }

  #requirement(): LabelRequirement {
    let token = this.#next();
    if (token.kind === 'symbol' && token.text === '!') {
      token = this.#next();
      if (token.kind !== 'identifier') throw this.#unexpected(token, 'identifier after \'!\'');
      return requirement(token.text, '!', []);
    }
    if (token.kind !== 'identifier') throw this.#unexpected(token, 'identifier');
    const key = token.text;
    const op = this.#peek();
    if (op.kind === 'end' || op.text === ',') return requirement(key, 'exists', []);
    this.#next();
    if (op.kind === 'identifier' && (op.text === 'in' || op.text === 'notin')) {
      return requirement(key, op.text, this.#valueSet());
    }
    const operator = (
      { '=': '=', '==': '=', '!=': '!=', '>': 'gt', '<': 'lt' } as Record<string, LabelOperator | undefined>
    )[op.text];
    if (op.kind !== 'symbol' || !operator) throw this.#unexpected(op, "'=', '!=', '==', 'in', notin'");
    const value = this.#peek();
    if (value.kind === 'identifier') {
      this.#next();
      return requirement(key, operator, [value.text]);
    }
    if (value.kind === 'end' || value.text === ',') return requirement(key, operator, ['']);
    throw this.#unexpected(value, 'identifier');
  }

  #valueSet(): string[] {
    const open = this.#next();
    if (open.text !== '(') throw this.#unexpected(open, "'('");
    const values: string[] = [];
    for (;;) {
      const token = this.#next();
      if (token.kind === 'identifier') {
        values.push(token.text);
        const after = this.#next();
        if (after.text === ')') return values;
        if (after.text !== ',') throw this.#unexpected(after, "',' or ')'");
      } else if (token.text === ',') {
        values.push(''); // `in (,a)`: an empty value, as apimachinery reads it
      } else if (token.text === ')') {
        values.push('');
        return values;
      } else {
        throw this.#unexpected(token, "',', ')' or identifier");
      }
    }
  }
}

function requirement(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const keyErrors = checkQualifiedName(key);
  if (keyErrors.length > 0) throw new Error(`key: Invalid value: "${key}": ${keyErrors.join('; ')}`);
  if (operator === 'gt' || operator === 'lt') {
    if (values.length !== 1 || !/^-?\d+$/.test(values[0]!)) {
      throw new Error(`values[0]: Invalid value: "${values[0] ?? ''}": for 'Gt', 'Lt' operators, the value must be an integer`);
    }
  } else {
    values.forEach((value, i) => {
      const valueErrors = checkLabelValue(value);
      if (valueErrors.length > 0) throw new Error(`values[${i}][${key}]: Invalid value: "${value}": ${valueErrors.join('; ')}`);
    });
  }
  return { key, operator, values };
}

function matchesRequirement(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.operator) {
    case 'exists':
      return has;
    case '!':
      return !has;
    case '=':
    case 'in':
      return has && r.values.includes(value!);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(value!);
    case 'gt':
    case 'lt': {
      if (!has || !/^-?\d+$/.test(value!)) return false;
      const actual = BigInt(value!);
      const bound = BigInt(r.values[0]!);
      return r.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

export function parseLabelSelector(selector: string | undefined): LabelSelector {
  let requirements: LabelRequirement[];
  try {
    requirements = new LabelParser(selector ?? '').parse();
  } catch (error) {
    throw badRequest((error as Error).message);
  }
  return {
    empty: requirements.length === 0,
    matches: (labels) => requirements.every((r) => matchesRequirement(r, labels ?? {})),
  };
}

// ---- field selectors ------------------------------------------------------------------------------

interface FieldRequirement {
  field: 'metadata.name' | 'metadata.namespace';
  equal: boolean;
  value: string;
}

const SUPPORTED_FIELDS = new Set(['metadata.name', 'metadata.namespace']);

/** Splits on unescaped `sep`, keeping escapes for the next stage. */
function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[i + 1];
      i++;
    } else if (c === sep) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

function unescapeValue(value: string, whole: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\') {
      const next = value[i + 1];
      if (next === undefined || !'\\,='.includes(next)) {
        throw badRequest(`invalid field selector: '${whole}': invalid escape sequence`);
      }
      out += next;
      i++;
    } else if (c === ',' || c === '=') {
      throw badRequest(`invalid field selector: '${whole}': unescaped ${c}`);
    } else {
      out += c;
    }
  }
  return out;
}

function parseFieldRequirement(term: string, whole: string): FieldRequirement {
  for (const [operator, equal] of [
    ['!=', false],
    ['==', true],
    ['=', true],
  ] as const) {
    const at = term.indexOf(operator);
    if (at < 0) continue;
    const field = term.slice(0, at).trim();
    const value = unescapeValue(term.slice(at + operator.length), whole);
    if (!SUPPORTED_FIELDS.has(field)) throw badRequest(`field label not supported: ${field}`);
    return { field: field as FieldRequirement['field'], equal, value };
  }
  throw badRequest(`invalid selector: '${whole}'; can't understand '${term}'`);
}

function fieldValue(object: KubeObject, field: FieldRequirement['field']): string {
  return (field === 'metadata.name' ? object.metadata.name : object.metadata.namespace) ?? '';
}

export function parseFieldSelector(selector: string | undefined): FieldSelector {
  const whole = selector ?? '';
  const requirements =
    whole.trim() === '' ? [] : splitUnescaped(whole, ',').map((term) => parseFieldRequirement(term, whole));
  const pinned = (field: FieldRequirement['field']) => requirements.find((r) => r.field === field && r.equal)?.value;
  return {
    empty: requirements.length === 0,
    matches: (object) => requirements.every((r) => (fieldValue(object, r.field) === r.value) === r.equal),
    name: pinned('metadata.name'),
    namespace: pinned('metadata.namespace'),
  };
}

/** Both selectors of a list or watch request, applied together. */
export interface ObjectFilter {
  matches(object: KubeObject): boolean;
  readonly everything: boolean;
}

export function objectFilter(labelSelector: string | undefined, fieldSelector: string | undefined): ObjectFilter {
  const labels = parseLabelSelector(labelSelector);
  const fields = parseFieldSelector(fieldSelector);
  return {
    everything: labels.empty && fields.empty,
    matches: (object) => labels.matches(object.metadata.labels) && fields.matches(object),
  };
}

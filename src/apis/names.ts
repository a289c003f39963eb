// The syntax rules apimachinery applies to names, label keys and values (pkg/util/validation).
// Each check returns the messages kube-apiserver prints, empty when the value is fine; the `is*`
// forms are for rules that only need a yes or no.

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const DNS1035_LABEL = '[a-z]([-a-z0-9]*[a-z0-9])?';
const QUALIFIED_NAME_PART = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE = `(${QUALIFIED_NAME_PART})?`;

const anchored = (pattern: string) => new RegExp(`^${pattern}$`);
const dns1123Label = anchored(DNS1123_LABEL);
const dns1123Subdomain = anchored(DNS1123_SUBDOMAIN);
const dns1035Label = anchored(DNS1035_LABEL);
const qualifiedNamePart = anchored(QUALIFIED_NAME_PART);
const labelValue = anchored(LABEL_VALUE);

const LABEL_MAX = 63;
const SUBDOMAIN_MAX = 253;

const tooLong = (max: number) => `must be no more than ${max} characters`;

export function checkDns1123Label(value: string): string[] {
  const messages: string[] = [];
  if (value.length > LABEL_MAX) messages.push(tooLong(LABEL_MAX));
  if (!dns1123Label.test(value)) {
    messages.push(
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end " +
        `with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '${DNS1123_LABEL}')`,
    );
  }
  return messages;
}

export function checkDns1123Subdomain(value: string): string[] {
  const messages: string[] = [];
  if (value.length > SUBDOMAIN_MAX) messages.push(tooLong(SUBDOMAIN_MAX));
  if (!dns1123Subdomain.test(value)) {
    messages.push(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start " +
        `and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${DNS1123_SUBDOMAIN}')`,
    );
  }
  return messages;
}

export function checkDns1035Label(value: string): string[] {
  const messages: string[] = [];
  if (value.length > LABEL_MAX) messages.push(tooLong(LABEL_MAX));
  if (!dns1035Label.test(value)) {
    messages.push(
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, " +
        `and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '${DNS1035_LABEL}')`,
    );
  }
  return messages;
}

/** Label keys, annotation keys and finalizers: `[prefix/]name`, prefix a DNS subdomain. */
export function checkQualifiedName(value: string): string[] {
  const parts = value.split('/');
  let name: string;
  const messages: string[] = [];
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const [prefix, rest] = parts as [string, string];
    name = rest;
    if (prefix.length === 0) messages.push('prefix part must be non-empty');
    else messages.push(...checkDns1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an " +
        "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is " +
        `'${QUALIFIED_NAME_PART}') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) messages.push('name part must be non-empty');
  else if (name.length > LABEL_MAX) messages.push(`name part ${tooLong(LABEL_MAX)}`);
  if (name.length > 0 && !qualifiedNamePart.test(name)) {
    messages.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an " +
        `alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${QUALIFIED_NAME_PART}')`,
    );
  }
  return messages;
}

export function checkLabelValue(value: string): string[] {
  const messages: string[] = [];
  if (value.length > LABEL_MAX) messages.push(tooLong(LABEL_MAX));
  if (!labelValue.test(value)) {
    messages.push(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start " +
        `and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '${LABEL_VALUE}')`,
    );
  }
  return messages;
}

export type NameFormat = 'dns1123-subdomain' | 'dns1035-label';

export function checkName(name: string, format: NameFormat): string[] {
  return format === 'dns1035-label' ? checkDns1035Label(name) : checkDns1123Subdomain(name);
}

export function isDNS1035Label(value: string): boolean {
  return checkDns1035Label(value).length === 0;
}

export function isDNS1123Subdomain(value: string): boolean {
  return checkDns1123Subdomain(value).length === 0;
}

/** `*.example.com`, as kubeadm accepts in certificate SANs. */
export function isWildcardDNS1123Subdomain(value: string): boolean {
  return value.startsWith('*.') && isDNS1123Subdomain(value.slice(2));
}

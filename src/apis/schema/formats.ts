// The OpenAPI `format`s our schemas use, checked as kube-apiserver checks them for CRDs.
// Unknown formats are accepted, as upstream does.

const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Returns what the value must be when it breaks the format, or undefined when it fits. Reported as
 * FieldValueTypeInvalid, as kube-apiserver does ("must be of type byte").
 */
export function checkFormat(format: string, value: string | number): string | undefined {
  switch (format) {
    case 'int32':
      return typeof value === 'number' && (value < -(2 ** 31) || value > 2 ** 31 - 1) ? 'must be of type int32' : undefined;
    case 'int64':
      return typeof value === 'number' && !Number.isSafeInteger(value) ? 'must be of type int64' : undefined;
    case 'byte':
      return typeof value === 'string' && !base64.test(value) ? 'must be of type byte (base64-encoded)' : undefined;
    case 'date-time':
      return typeof value === 'string' && (!rfc3339.test(value) || Number.isNaN(Date.parse(value)))
        ? 'must be of type date-time (RFC 3339)'
        : undefined;
    default:
      return undefined;
  }
}

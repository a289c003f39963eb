/**
 * The one error this layer throws for bad input. `field` names the offending option
 * (for example `ipAddresses[1]` or `ca.privateKey`), so a controller can write it into a
 * condition and the API layer into a Status cause. Messages never contain key material.
 */
export class PkiError extends Error {
  readonly field: string;

  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.name = 'PkiError';
    this.field = field;
  }
}

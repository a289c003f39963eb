// Command-line flags of the control plane containers. Three kinds meet here:
//   managed  — what makes the control plane work (certificates, ports, datastore); always win,
//              a user flag with the same name is dropped;
//   defaults — safe settings a user may override with extraArgs;
//   user     — spec...extraArgs, as written.
// The output is deterministic (managed and defaults sorted by name, then the user's flags in their
// order, each name once), so the same spec always renders the same Deployment and a reconcile never
// chases its own tail (Kamaji issues #1154, #1281).

export type FlagValues = Readonly<Record<string, string>>;

/** `--name=value` → `--name`; `--name` stays; `-v=4` → `-v`. */
export function flagName(arg: string): string {
  const equals = arg.indexOf('=');
  return equals < 0 ? arg : arg.slice(0, equals);
}

export interface FlagSet {
  managed: FlagValues;
  defaults?: FlagValues;
  user?: readonly string[];
  /** A default dropped when the user passes any of these flags (e.g. --authorization-mode vs --authorization-config). */
  dropDefaultsWhenUserSets?: Readonly<Record<string, readonly string[]>>;
}

export function mergeFlags({ managed, defaults = {}, user = [], dropDefaultsWhenUserSets = {} }: FlagSet): string[] {
  const userArgs = new Map<string, string>();
  for (const arg of user) {
    const name = flagName(arg);
    if (name in managed) continue;
    // The last occurrence wins, at the place of the first: a repeated flag renders once.
    userArgs.set(name, arg);
  }
  const kept: Record<string, string> = { ...managed };
  for (const [name, value] of Object.entries(defaults)) {
    if (name in managed || userArgs.has(name)) continue;
    if ((dropDefaultsWhenUserSets[name] ?? []).some((other) => userArgs.has(other))) continue;
    kept[name] = value;
  }
  const sorted = Object.keys(kept)
    .sort()
    .map((name) => `${name}=${kept[name]}`);
  return [...sorted, ...userArgs.values()];
}

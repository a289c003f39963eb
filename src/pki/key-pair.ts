/** A certificate and its private key, both PEM. */
export type KeyPairPem = { certificate: string; privateKey: string };

// The one API group-version Kamaji-TS serves. Kamaji itself uses `kamaji.clastix.io`; a manifest
// moves over by changing only its apiVersion to this one.
export const group = 'tenancy.kamaji.io';
export const version = 'v1alpha1';
export const apiVersion = `${group}/${version}` as const;

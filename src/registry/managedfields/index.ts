// Server-side apply and managedFields for the registry's write paths: pure functions of the live
// object, the written one and the schema (no I/O, no clock: the caller passes the time).
export { applyConfiguration, type ApplyConfigurationArgs } from './apply.ts';
export { updateManagedFields, type UpdateManagedFieldsArgs } from './update.ts';

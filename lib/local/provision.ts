/**
 * Table provisioning for the local runtime. The DynamoDB calls live in shared/storage (the only
 * code that talks to DynamoDB); this module is the local runtime's entry point to them.
 */
export { ensureTable } from '../../shared/storage/table-admin.ts';

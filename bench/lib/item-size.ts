/**
 * DynamoDB's item size (what capacity units are computed from), following the documented rules:
 * attribute names and string values count their UTF-8 bytes, numbers about one byte per two
 * significant digits plus one, booleans and nulls one byte, lists and maps three bytes plus one
 * per element. Used to state the minimum capacity an operation needs from the real items.
 */
export function itemSizeBytes(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueSize(value);
  return size;
}

function valueSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return Math.ceil(String(Math.abs(value)).replace(/[.-]/g, '').replace(/^0+/, '').length / 2) + 1;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return value.length;
  if (value instanceof Set) return 3 + [...value].reduce((sum: number, element) => sum + valueSize(element), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, element) => sum + 1 + valueSize(element), 0);
  if (typeof value === 'object') {
    return 3 + Object.entries(value as Record<string, unknown>).reduce((sum, [name, element]) => sum + 1 + Buffer.byteLength(name) + valueSize(element), 0);
  }
  return Buffer.byteLength(String(value));
}

/** Read units for items totalling `bytes`: 4 KB steps, half for eventually consistent reads. */
export function readUnits(bytes: number, strong: boolean): number {
  return Math.max(1, Math.ceil(bytes / 4096)) * (strong ? 1 : 0.5);
}

/**
 * Write units for one item: 1 KB steps for the table and for each index entry it maintains,
 * doubled inside a transaction (as DynamoDB, and DynamoDB Local, charge them).
 */
export function writeUnits(bytes: number, indexEntries: number, transactional: boolean): number {
  return Math.max(1, Math.ceil(bytes / 1024)) * (1 + indexEntries) * (transactional ? 2 : 1);
}

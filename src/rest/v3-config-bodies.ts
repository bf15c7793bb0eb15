// The request bodies of v3 config changes: `{"value": "..."}` for a PUT of one config, and
// `{"data": [{"name", "value"?, "operation"?: "SET"|"DELETE"|"APPEND"|"SUBTRACT"}],
// "validate_only"?}` for a batch `:alter`.
import type { AlterConfigOp } from '../client/index.js';
import { badRequestV3 } from './rest-errors.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function configValueOf(body: unknown): string {
  if (!isObject(body) || typeof body.value !== 'string') {
    throw badRequestV3('The request body must be {"value": "<config value>"}.');
  }
  return body.value;
}

export function alterOpsOf(body: unknown): { ops: AlterConfigOp[]; validateOnly: boolean } {
  if (!isObject(body) || !Array.isArray(body.data)) {
    throw badRequestV3('The request body must be {"data": [{"name": ..., "value": ...}]}.');
  }
  const ops = body.data.map((entry: unknown): AlterConfigOp => {
    if (!isObject(entry) || typeof entry.name !== 'string') {
      throw badRequestV3('Each config needs a "name".');
    }
    const operation = typeof entry.operation === 'string' ? entry.operation.toUpperCase() : 'SET';
    if (operation === 'DELETE') return { op: 'delete', name: entry.name };
    if (typeof entry.value !== 'string') {
      throw badRequestV3(`Config ${entry.name} needs a string "value".`);
    }
    if (operation === 'SET') return { op: 'set', name: entry.name, value: entry.value };
    if (operation === 'APPEND') return { op: 'append', name: entry.name, value: entry.value };
    if (operation === 'SUBTRACT') return { op: 'subtract', name: entry.name, value: entry.value };
    throw badRequestV3(`Unknown config operation ${operation}.`);
  });
  return { ops, validateOnly: body.validate_only === true };
}

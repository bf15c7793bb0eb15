// Which APIs a running broker serves, read from its ApiVersions answer, so that end-to-end
// tests can say precisely what they wait for while the handlers are being written.
import { startBroker } from '../../../src/index.js';
import type { ApiVersionsResponse } from '../../../src/protocol/index.js';
import { RawConnection } from './raw-connection.js';

export type ApiRanges = Map<number, { minVersion: number; maxVersion: number }>;

/** The broker's advertised API ranges; empty when it does not answer ApiVersions. */
export async function advertisedApis(port: number): Promise<ApiRanges> {
  const conn = await RawConnection.open(port);
  try {
    const response = await conn.request<ApiVersionsResponse>(18, 3, {
      clientSoftwareName: 'rivulet-test',
      clientSoftwareVersion: '0.0.0',
    });
    return new Map(response.apiKeys.map((a) => [a.apiKey, a]));
  } catch {
    return new Map();
  } finally {
    conn.socket.destroy();
  }
}

/** The APIs of a fresh default broker (started and closed for the question). */
export async function builtInApis(): Promise<ApiRanges> {
  const broker = await startBroker({ port: 0 });
  try {
    return await advertisedApis(broker.port);
  } finally {
    await broker.close();
  }
}

/** "needs Produce(0), Fetch(1)" for the keys `apis` lacks, or null if none is missing. */
export function missingApis(apis: ApiRanges, needed: Record<string, number>): string | null {
  const missing = Object.entries(needed).filter(([, key]) => !apis.has(key));
  if (missing.length === 0) return null;
  return `broker lacks ${missing.map(([name, key]) => `${name}(${key})`).join(', ')}`;
}

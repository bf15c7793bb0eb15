// Which APIs a running broker serves, read from its ApiVersions answer: the fault tests use it
// to check that a broker still answers after hostile input.
import type { ApiVersionsResponse } from '../../../src/protocol/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';

export type ApiRanges = Map<number, { minVersion: number; maxVersion: number }>;

/** The broker's advertised API ranges; empty when it does not answer ApiVersions. */
export async function advertisedApis(port: number): Promise<ApiRanges> {
  const conn = await ProtocolClient.connect(port);
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

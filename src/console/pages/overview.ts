// The cluster overview: cluster id, controller, brokers (id, host:port, rack), the API
// versions each broker speaks, and topic, partition, under-replicated and offline counts.
import { ApiKey } from '../../client/index.js';
import type { ConsoleContext } from '../console-context.js';
import type { ConsoleRoute } from '../console-context.js';
import { html, type SafeHtml } from '../html.js';
import { page } from '../layout.js';

export function overviewRoutes(ctx: ConsoleContext): ConsoleRoute[] {
  return [
    {
      method: 'GET',
      url: '/',
      handler: async () => ({
        html: page({
          title: 'Cluster overview',
          section: 'overview',
          bootstrap: ctx.bootstrap,
          body: await overview(ctx),
        }),
      }),
    },
  ];
}

export interface PartitionCounts {
  topics: number;
  partitions: number;
  underReplicated: number;
  offline: number;
}

/** Counts over every topic, internal ones included (as Kafka's metrics count them). */
export async function partitionCounts(ctx: ConsoleContext): Promise<PartitionCounts> {
  const topics = await ctx.admin.cluster.retry(() => ctx.admin.cluster.listTopics());
  const counts = { topics: topics.length, partitions: 0, underReplicated: 0, offline: 0 };
  for (const t of topics) {
    for (const p of t.partitions) {
      counts.partitions++;
      if (p.leaderId < 0) counts.offline++;
      else if (p.isr.length < p.replicas.length) counts.underReplicated++;
    }
  }
  return counts;
}

async function overview(ctx: ConsoleContext): Promise<SafeHtml> {
  const [cluster, counts] = await Promise.all([ctx.admin.describeCluster(), partitionCounts(ctx)]);
  const brokers = [...cluster.brokers].sort((a, b) => a.nodeId - b.nodeId);
  const versions = await Promise.all(brokers.map((b) => apiVersions(ctx, b.nodeId)));
  return html` <section aria-labelledby="cluster-heading">
      <h2 id="cluster-heading">Cluster</h2>
      <dl class="facts">
        <dt>Cluster id</dt>
        <dd><code>${cluster.clusterId ?? 'unknown'}</code></dd>
        <dt>Controller</dt>
        <dd>${cluster.controllerId < 0 ? 'none' : `broker ${cluster.controllerId}`}</dd>
        <dt>Brokers</dt>
        <dd>${brokers.length}</dd>
        <dt>Topics</dt>
        <dd>${counts.topics}</dd>
        <dt>Partitions</dt>
        <dd>${counts.partitions}</dd>
        <dt>Under-replicated partitions</dt>
        <dd>${counts.underReplicated}</dd>
        <dt>Offline partitions</dt>
        <dd>${counts.offline}</dd>
      </dl>
    </section>
    <section aria-labelledby="brokers-heading">
      <h2 id="brokers-heading">Brokers</h2>
      <table>
        <caption>
          Brokers of the cluster
        </caption>
        <thead>
          <tr>
            <th scope="col">Id</th>
            <th scope="col">Host:port</th>
            <th scope="col">Rack</th>
            <th scope="col">Role</th>
          </tr>
        </thead>
        <tbody>
          ${brokers.map(
            (b) =>
              html`<tr>
                <td>${b.nodeId}</td>
                <td><code>${b.host}:${b.port}</code></td>
                <td>${b.rack ?? '–'}</td>
                <td>${b.nodeId === cluster.controllerId ? 'controller' : 'broker'}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>
    <section aria-labelledby="versions-heading">
      <h2 id="versions-heading">API versions</h2>
      ${brokers.map(
        (b, i) =>
          html`<details>
            <summary>
              Broker ${b.nodeId}: ${versions[i]!.filter((v) => v.range !== null).length} of
              ${versions[i]!.length} client APIs supported
            </summary>
            <table>
              <caption>
                API versions of broker ${b.nodeId} (ApiVersions)
              </caption>
              <thead>
                <tr>
                  <th scope="col">API</th>
                  <th scope="col">Key</th>
                  <th scope="col">Versions</th>
                </tr>
              </thead>
              <tbody>
                ${versions[i]!.map(
                  (v) =>
                    html`<tr>
                      <td>${v.name}</td>
                      <td>${v.key}</td>
                      <td>
                        ${v.range === null ? 'unsupported' : `${v.range.minVersion}–${v.range.maxVersion}`}
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </details>`,
      )}
    </section>`;
}

/** The broker's version range of each API the client knows, from its ApiVersions answer. */
async function apiVersions(ctx: ConsoleContext, nodeId: number) {
  const connection = await ctx.admin.cluster.connection(nodeId);
  return Object.entries(ApiKey)
    .map(([name, key]) => {
      const range = connection.brokerVersions(key);
      return { name, key, range: range === undefined ? null : range };
    })
    .sort((a, b) => a.key - b.key);
}

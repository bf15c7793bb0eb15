// The layer rules of DESIGN.md: imports point down the list
//   util <- protocol <- storage <- metadata <- broker <- cli,   protocol <- client <- cli
//   util <- http <- (broker, services),   client + http <- services <- cli
// where the services are registry, rest, connect, streams and console; no module may take
// part in an import cycle; and no broker handler imports another handler.
const layer = (name) => `^src/${name}/`;

/** For each layer, the layers it must never import. */
const forbidden = {
  util: ['protocol', 'storage', 'metadata', 'broker', 'client', 'cli'],
  protocol: ['storage', 'metadata', 'broker', 'client', 'cli'],
  storage: ['metadata', 'broker', 'client', 'cli'],
  metadata: ['broker', 'client', 'cli'],
  broker: ['client', 'cli'],
  client: ['storage', 'metadata', 'broker', 'http', 'cli'],
  // The HTTP layer serves the broker and the services alike, so it knows neither.
  http: ['protocol', 'storage', 'metadata', 'broker', 'client', 'cli'],
  // The services sit on the client and the HTTP layer only, so they work against any Kafka.
  registry: ['storage', 'metadata', 'broker', 'cli'],
  rest: ['storage', 'metadata', 'broker', 'cli'],
  connect: ['storage', 'metadata', 'broker', 'cli'],
  streams: ['storage', 'metadata', 'broker', 'cli'],
  console: ['storage', 'metadata', 'broker', 'cli'],
};

/**
 * Narrow exceptions, each with a decision record: the replica fetcher and AlterPartition travel
 * over the client's Connection (docs/decisions/0003-inter-broker-connection.md).
 */
const layerExceptions = {
  broker: {
    from: '^src/broker/partition/inter-broker-connection[.]ts$',
    to: '^src/client/connection[.]ts$',
  },
};

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make load order fragile; break the cycle by moving shared code down.',
      from: {},
      to: { circular: true },
    },
    ...Object.entries(forbidden).map(([from, targets]) => ({
      name: `layer-${from}`,
      severity: 'error',
      comment: `${from}/ may not import ${targets.join(', ')} (DESIGN.md, Layers).`,
      from: { path: layer(from), pathNot: layerExceptions[from]?.from },
      to: { path: `^src/(${targets.join('|')})/` },
    })),
    ...Object.entries(layerExceptions).map(([from, { from: file, to }]) => ({
      name: `layer-${from}-exception`,
      severity: 'error',
      comment: `${file} may import only ${to} of the layers ${from}/ may not import.`,
      from: { path: file },
      to: { path: `^src/(${forbidden[from].join('|')})/`, pathNot: to },
    })),
    {
      name: 'handler-to-handler',
      severity: 'error',
      comment:
        'A handler (handlers/NN-name.ts) never imports another; shared code goes to handlers/support/.',
      from: { path: '^src/broker/handlers/[0-9]{2}-' },
      to: { path: '^src/broker/handlers/[0-9]{2}-' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};

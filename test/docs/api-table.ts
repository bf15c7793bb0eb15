// Renders the supported-API table of docs/apis.md from the handler registry. To refresh the
// doc after a build: node -e "import('./dist/test/docs/api-table.js').then((m) => console.log(m.expectedTable()))"
import { createHandlerRegistry, type BrokerContext } from '../../src/broker/index.js';
import { apiByKey } from '../../src/protocol/index.js';

/** The table as the registry describes it. */
export function expectedTable(): string {
  // Factories only keep the context for later, so an empty one is enough to list them.
  const registry = createHandlerRegistry({} as BrokerContext);
  const rows = registry.versions().map(({ apiKey, minVersion, maxVersion }) => {
    const handler = registry.get(apiKey)!;
    const spec = apiByKey(apiKey)!;
    const served = handler.minServedVersion ?? minVersion;
    const notes =
      served > minVersion ? `v${minVersion}-${served - 1} advertised, connection closed` : '';
    const flexible =
      spec.requestFlexibleMin === undefined ? 'never' : `${spec.requestFlexibleMin}+`;
    return `| ${apiKey} | ${handler.name} | ${minVersion}-${maxVersion} | ${flexible} | ${notes} |`;
  });
  return [
    '| Key | API | Versions | Flexible | Notes |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

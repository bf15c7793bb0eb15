// The broker's security parts it makes from its configuration: the ACL authorizer and the
// client quota manager.
import type { ClusterMetadata } from '../../metadata/index.js';
import type { Environment } from '../../util/index.js';
import type { BrokerConfig } from '../config/index.js';
import type { Authorizer, QuotaManager } from '../server/index.js';
import { ClientQuotaManager } from './client-quota-manager.js';
import { StandardAuthorizer } from './standard-authorizer.js';

export { StandardAuthorizer, type StandardAuthorizerOptions } from './standard-authorizer.js';
export {
  CLIENT_QUOTA_KEYS,
  CONSUMER_BYTE_RATE,
  CONTROLLER_MUTATION_RATE,
  ClientQuotaManager,
  PRODUCER_BYTE_RATE,
  REQUEST_PERCENTAGE,
  Rate,
  resolveQuota,
} from './client-quota-manager.js';

/** The authorizer `authorizer.class.name` names, or undefined (allow-all) when it is empty. */
export function brokerAuthorizer(
  config: BrokerConfig,
  metadata: ClusterMetadata,
): Authorizer | undefined {
  if (config.values['authorizer.class.name'] === '') return undefined;
  const superUsers = (config.values['super.users'] ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return new StandardAuthorizer({
    acls: () => metadata.image.acls,
    superUsers,
    allowEveryoneIfNoAclFound: config.values['allow.everyone.if.no.acl.found'],
  });
}

/** Client quotas from the metadata, measured with `quota.window.*`. */
export function brokerQuotas(
  config: BrokerConfig,
  { metadata, environment }: { metadata: ClusterMetadata; environment: Environment },
): QuotaManager {
  return new ClientQuotaManager({
    quotas: () => metadata.image.clientQuotas,
    clock: environment.clock,
    windowNum: config.values['quota.window.num'],
    windowSizeMs: config.values['quota.window.size.seconds'] * 1000,
    controllerWindowNum: config.values['controller.quota.window.num'],
    controllerWindowSizeMs: config.values['controller.quota.window.size.seconds'] * 1000,
  });
}

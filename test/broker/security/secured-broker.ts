// startBroker options for the ACL tests: Kafka's StandardAuthorizer, User:admin a super user,
// and a principal builder (the counterpart of Kafka's principal.builder.class) that makes the
// client id `x` principal `User:x`, so plaintext clients can act as different users.
import type { StartBrokerOptions } from '../../../src/index.js';

export const SECURED: StartBrokerOptions = {
  port: 0,
  config: {
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': 'User:admin;User:root',
    'group.initial.rebalance.delay.ms': 0,
  },
  principalBuilder: (session) => `User:${session.clientId ?? 'ANONYMOUS'}`,
};

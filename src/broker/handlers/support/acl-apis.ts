// What the ACL APIs answer while no authorizer is configured (Rivulet has none yet): Kafka's
// AclApis answers SECURITY_DISABLED, with these messages, for every request, filter or creation.

/** DescribeAcls' top-level message. */
export const NO_AUTHORIZER_DESCRIBE_MESSAGE = 'No Authorizer is configured on the broker';
/** CreateAcls' and DeleteAcls' per-item message. */
export const NO_AUTHORIZER_MESSAGE = 'No Authorizer is configured.';

// The settings every connector has, with Kafka Connect's names and defaults (ConnectorConfig,
// SinkConnectorConfig, SourceConnectorConfig): its class, tasks.max, converters, transforms,
// and the error handling of KIP-298 (errors.tolerance, retries, the dead letter queue).
import { ConfigDef, range, validString } from '../config-def.js';

export const CONNECTOR_CLASS = 'connector.class';

export function connectorConfigDef(kind: 'source' | 'sink'): ConfigDef {
  const def = new ConfigDef()
    .define({
      name: 'name',
      type: 'STRING',
      documentation: 'Globally unique name to use for this connector.',
      importance: 'HIGH',
      group: 'Common',
    })
    .define({
      name: CONNECTOR_CLASS,
      type: 'STRING',
      documentation: 'Name or alias of the class for this connector.',
      importance: 'HIGH',
      group: 'Common',
    })
    .define({
      name: 'tasks.max',
      type: 'INT',
      defaultValue: 1,
      validator: range(1),
      documentation: 'Maximum number of tasks to use for this connector.',
      importance: 'HIGH',
      group: 'Common',
    })
    .define({
      name: 'key.converter',
      type: 'CLASS',
      defaultValue: '',
      documentation:
        "Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka; the worker's when empty.",
      importance: 'LOW',
      group: 'Common',
    })
    .define({
      name: 'value.converter',
      type: 'CLASS',
      defaultValue: '',
      documentation: 'As key.converter, for record values.',
      importance: 'LOW',
      group: 'Common',
    })
    .define({
      name: 'header.converter',
      type: 'CLASS',
      defaultValue: '',
      documentation:
        'HeaderConverter class (SimpleHeaderConverter semantics: header values as strings).',
      importance: 'LOW',
      group: 'Common',
    })
    .define({
      name: 'transforms',
      type: 'LIST',
      defaultValue: [],
      documentation: 'Aliases for the transformations to be applied to records.',
      importance: 'LOW',
      group: 'Transforms',
    })
    .define({
      name: 'predicates',
      type: 'LIST',
      defaultValue: [],
      documentation: 'Aliases for the predicates used by transformations.',
      importance: 'LOW',
      group: 'Predicates',
    })
    .define({
      name: 'errors.retry.timeout',
      type: 'LONG',
      defaultValue: 0,
      validator: range(-1),
      documentation:
        'The maximum duration in milliseconds that a failed operation will be reattempted. -1: infinite retries.',
      importance: 'MEDIUM',
      group: 'Error Handling',
    })
    .define({
      name: 'errors.retry.delay.max.ms',
      type: 'LONG',
      defaultValue: 60_000,
      validator: range(1),
      documentation: 'The maximum duration in milliseconds between consecutive retry attempts.',
      importance: 'MEDIUM',
      group: 'Error Handling',
    })
    .define({
      name: 'errors.tolerance',
      type: 'STRING',
      defaultValue: 'none',
      validator: validString('none', 'all'),
      documentation: 'none: an error fails the task; all: problematic records are skipped.',
      importance: 'MEDIUM',
      group: 'Error Handling',
    })
    .define({
      name: 'errors.log.enable',
      type: 'BOOLEAN',
      defaultValue: false,
      documentation: 'Log each error and the failed operation.',
      importance: 'MEDIUM',
      group: 'Error Handling',
    })
    .define({
      name: 'errors.log.include.messages',
      type: 'BOOLEAN',
      defaultValue: false,
      documentation: 'Include the failed record in the log.',
      importance: 'MEDIUM',
      group: 'Error Handling',
    });
  if (kind === 'sink') {
    def
      .define({
        name: 'topics',
        type: 'LIST',
        defaultValue: [],
        documentation: 'List of topics to consume.',
        importance: 'HIGH',
        group: 'Common',
      })
      .define({
        name: 'topics.regex',
        type: 'STRING',
        defaultValue: '',
        documentation: 'Regular expression giving topics to consume.',
        importance: 'HIGH',
        group: 'Common',
      })
      .define({
        name: 'errors.deadletterqueue.topic.name',
        type: 'STRING',
        defaultValue: '',
        documentation:
          'The name of the topic to be used as the dead letter queue for records that fail in conversion or transformation.',
        importance: 'MEDIUM',
        group: 'Error Handling',
      })
      .define({
        name: 'errors.deadletterqueue.topic.replication.factor',
        type: 'SHORT',
        defaultValue: 3,
        documentation:
          "Replication factor used to create the dead letter queue topic when it doesn't already exist.",
        importance: 'MEDIUM',
        group: 'Error Handling',
      })
      .define({
        name: 'errors.deadletterqueue.context.headers.enable',
        type: 'BOOLEAN',
        defaultValue: false,
        documentation:
          'Add headers containing error context to the messages written to the dead letter queue.',
        importance: 'MEDIUM',
        group: 'Error Handling',
      });
  } else {
    def
      .define({
        name: 'exactly.once.support',
        type: 'STRING',
        defaultValue: 'requested',
        validator: validString('requested', 'required'),
        documentation:
          'required: the connector must support exactly-once delivery, or it fails validation.',
        importance: 'MEDIUM',
        group: 'Exactly Once Support',
      })
      .define({
        name: 'transaction.boundary',
        type: 'STRING',
        defaultValue: 'poll',
        validator: validString('poll', 'interval'),
        documentation:
          'poll: one transaction per batch polled from a task; interval: commit every transaction.boundary.interval.ms.',
        importance: 'MEDIUM',
        group: 'Exactly Once Support',
      })
      .define({
        name: 'transaction.boundary.interval.ms',
        type: 'LONG',
        defaultValue: 60_000,
        validator: range(0),
        documentation: 'The interval of transaction.boundary=interval.',
        importance: 'LOW',
        group: 'Exactly Once Support',
      })
      .define({
        name: 'offsets.storage.topic',
        type: 'STRING',
        defaultValue: '',
        documentation: "A connector-specific offsets topic (the worker's when empty).",
        importance: 'LOW',
        group: 'Exactly Once Support',
      });
  }
  return def;
}

/** The error-handling settings a task runs with. */
export interface ErrorSettings {
  tolerance: 'none' | 'all';
  retryTimeoutMs: number;
  retryDelayMaxMs: number;
  logEnable: boolean;
  logIncludeMessages: boolean;
  dlqTopic: string;
  dlqReplicationFactor: number;
  dlqContextHeaders: boolean;
}

export function errorSettings(parsed: Record<string, unknown>): ErrorSettings {
  return {
    tolerance: parsed['errors.tolerance'] as 'none' | 'all',
    retryTimeoutMs: parsed['errors.retry.timeout'] as number,
    retryDelayMaxMs: parsed['errors.retry.delay.max.ms'] as number,
    logEnable: parsed['errors.log.enable'] as boolean,
    logIncludeMessages: parsed['errors.log.include.messages'] as boolean,
    dlqTopic: (parsed['errors.deadletterqueue.topic.name'] as string | undefined) ?? '',
    dlqReplicationFactor:
      (parsed['errors.deadletterqueue.topic.replication.factor'] as number | undefined) ?? 3,
    dlqContextHeaders:
      (parsed['errors.deadletterqueue.context.headers.enable'] as boolean | undefined) ?? false,
  };
}

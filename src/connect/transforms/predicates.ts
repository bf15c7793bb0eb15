// Kafka Connect's predicates (KIP-585): a transformation with `predicate=<alias>` applies only
// to records the predicate matches (or does not, with `negate=true`).
import type { ConnectRecord } from '../connector.js';
import { ConfigDef } from '../config-def.js';
import type { Predicate } from './transformation.js';

export class TopicNameMatches implements Predicate {
  private pattern = /^$/;
  config(): ConfigDef {
    return new ConfigDef().define({
      name: 'pattern',
      type: 'STRING',
      documentation: "A Java regular expression for matching against the name of a record's topic.",
    });
  }
  configure(props: Record<string, string>): void {
    const p = this.config().parse(props)['pattern'] as string;
    try {
      this.pattern = new RegExp(`^(?:${p})$`);
    } catch (err) {
      throw new Error(`Invalid regex: ${p}: ${(err as Error).message}`);
    }
  }
  test(record: ConnectRecord): boolean {
    return this.pattern.test(record.topic);
  }
}

export class HasHeaderKey implements Predicate {
  private name = '';
  config(): ConfigDef {
    return new ConfigDef().define({
      name: 'name',
      type: 'STRING',
      documentation: 'The header name.',
    });
  }
  configure(props: Record<string, string>): void {
    this.name = this.config().parse(props)['name'] as string;
  }
  test(record: ConnectRecord): boolean {
    return record.headers.some((h) => h.key === this.name);
  }
}

export class RecordIsTombstone implements Predicate {
  config(): ConfigDef {
    return new ConfigDef();
  }
  configure(): void {}
  test(record: ConnectRecord): boolean {
    return record.value === null || record.value === undefined;
  }
}

// Builds a connector's transformation chain from its config, as Kafka Connect does:
// `transforms=a,b`, `transforms.a.type=...InsertField$Value`, `transforms.a.<key>=...`,
// `transforms.a.predicate=p`, `transforms.a.negate=true`, `predicates=p`,
// `predicates.p.type=...TopicNameMatches`, `predicates.p.<key>=...`.
import type { ConnectRecord } from '../connector.js';
import type { Plugins } from '../plugins.js';
import type { Predicate, Transformation } from './transformation.js';

interface Stage {
  alias: string;
  transform: Transformation;
  predicate?: Predicate;
  negate: boolean;
}

export class TransformChain {
  constructor(private readonly stages: Stage[]) {}

  static fromConfig(config: Record<string, string>, plugins: Plugins): TransformChain {
    const predicates = new Map<string, Predicate>();
    for (const alias of list(config['predicates'])) {
      const type = config[`predicates.${alias}.type`];
      if (type === undefined)
        throw new Error(
          `Missing required configuration "predicates.${alias}.type" which has no default value.`,
        );
      const p = plugins.predicate(type);
      p.configure(sub(config, `predicates.${alias}.`));
      predicates.set(alias, p);
    }
    const stages = list(config['transforms']).map((alias): Stage => {
      const type = config[`transforms.${alias}.type`];
      if (type === undefined)
        throw new Error(
          `Missing required configuration "transforms.${alias}.type" which has no default value.`,
        );
      const transform = plugins.transformation(type);
      const props = sub(config, `transforms.${alias}.`);
      transform.configure(props);
      const predicateAlias = props['predicate'];
      const predicate = predicateAlias === undefined ? undefined : predicates.get(predicateAlias);
      if (predicateAlias !== undefined && predicate === undefined)
        throw new Error(
          `Transform ${alias} refers to predicate ${predicateAlias}, which is not in "predicates"`,
        );
      return { alias, transform, predicate, negate: props['negate'] === 'true' };
    });
    return new TransformChain(stages);
  }

  /** The record after every stage, or null once a stage drops it. */
  apply<R extends ConnectRecord>(record: R): R | null {
    let current: R | null = record;
    for (const s of this.stages) {
      if (current === null) return null;
      if (s.predicate !== undefined && s.predicate.test(current) === s.negate) continue;
      current = s.transform.apply(current) as R | null;
    }
    return current;
  }

  close(): void {
    for (const s of this.stages) s.transform.close?.();
  }
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The properties under a prefix, with the prefix taken off. */
export function sub(config: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config))
    if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

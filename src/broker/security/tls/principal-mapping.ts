// The principal of a mutual-TLS client, from its certificate's subject, as Kafka's
// DefaultKafkaPrincipalBuilder and SslPrincipalMapper make it: the subject in RFC 2253 form
// (most specific first: `CN=alice,OU=eng,O=acme`), rewritten by the first rule of
// `ssl.principal.mapping.rules` whose pattern matches the whole name. Rules:
//   DEFAULT                            the name unchanged
//   RULE:<pattern>/<replacement>/[L|U]  Java-style regex and $n replacement, optional case fold
// A name no rule matches fails the connection, as Kafka does.

export interface PrincipalRule {
  /** null: DEFAULT. */
  pattern: RegExp | null;
  replacement: string;
  fold: '' | 'L' | 'U';
}

/** Parses the raw rules string (commas may occur inside patterns), or says what is wrong. */
export function parsePrincipalMappingRules(raw: string): PrincipalRule[] | string {
  const rules: PrincipalRule[] = [];
  let at = 0;
  const skip = (): void => {
    while (at < raw.length && /[\s,]/.test(raw[at]!)) at++;
  };
  skip();
  while (at < raw.length) {
    if (raw.startsWith('DEFAULT', at)) {
      rules.push({ pattern: null, replacement: '', fold: '' });
      at += 'DEFAULT'.length;
    } else if (raw.startsWith('RULE:', at)) {
      at += 'RULE:'.length;
      const pattern = readUntilSlash(raw, at);
      if (pattern === null) return `rule at ${at} has no '/' after its pattern`;
      const replacement = readUntilSlash(raw, pattern.end + 1);
      if (replacement === null) return `rule at ${at} has no '/' after its replacement`;
      at = replacement.end + 1;
      let fold: '' | 'L' | 'U' = '';
      if (raw[at] === 'L' || raw[at] === 'U') fold = raw[at++] as 'L' | 'U';
      let regex: RegExp;
      try {
        regex = new RegExp(`^(?:${pattern.text})$`);
      } catch (err) {
        return `invalid pattern '${pattern.text}': ${(err as Error).message}`;
      }
      rules.push({ pattern: regex, replacement: javaReplacement(replacement.text), fold });
    } else {
      return `'${raw.slice(at)}' is neither DEFAULT nor RULE:pattern/replacement/[LU]`;
    }
    skip();
  }
  return rules;
}

function readUntilSlash(raw: string, from: number): { text: string; end: number } | null {
  let text = '';
  for (let i = from; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\' && i + 1 < raw.length) {
      // An escaped slash is a literal slash; other escapes stay for the regex.
      text += raw[i + 1] === '/' ? '/' : c + raw[i + 1]!;
      i++;
    } else if (c === '/') return { text, end: i };
    else text += c;
  }
  return null;
}

/** Java's `$1` and `\$` replacement syntax in JavaScript's. */
function javaReplacement(text: string): string {
  return text.replace(/\\\$/g, '$$$$');
}

/** The principal name for `subject` (RFC 2253), or null when no rule applies. */
export function mapPrincipalName(rules: readonly PrincipalRule[], subject: string): string | null {
  for (const rule of rules) {
    if (rule.pattern === null) return subject;
    if (!rule.pattern.test(subject)) continue;
    const name = subject.replace(rule.pattern, rule.replacement);
    return rule.fold === 'L' ? name.toLowerCase() : rule.fold === 'U' ? name.toUpperCase() : name;
  }
  return null;
}

/**
 * A certificate subject as Node prints it (`X509Certificate.subject`: one `KEY=value` per line,
 * least specific first) in RFC 2253 form, as Java's X500Principal.getName() gives it.
 */
export function rfc2253Subject(nodeSubject: string): string {
  return nodeSubject
    .split('\n')
    .filter((line) => line !== '')
    .reverse()
    .map((line) => {
      const eq = line.indexOf('=');
      const value = line.slice(eq + 1).replace(/([,+"\\<>;])/g, '\\$1');
      return `${line.slice(0, eq)}=${value}`;
    })
    .join(',');
}

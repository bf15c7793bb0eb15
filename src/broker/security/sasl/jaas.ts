// The JAAS configuration Kafka users paste into `listener.name.<l>.<mechanism>.sasl.jaas.config`:
//   org.apache.kafka.common.security.plain.PlainLoginModule required
//     username="admin" password="admin-secret" user_alice="alice-secret";
// One or more `<LoginModule class> <flag> <key>=<value>... ;` entries; values are quoted
// (with backslash escapes) or bare words.

export interface JaasEntry {
  loginModule: string;
  flag: string;
  options: Map<string, string>;
}

/** Parses a JAAS configuration value, or says what is wrong with it (never echoing values). */
export function parseJaasConfig(text: string): JaasEntry[] | string {
  const entries: JaasEntry[] = [];
  const tokens = tokenize(text);
  if (typeof tokens === 'string') return tokens;
  let i = 0;
  while (i < tokens.length) {
    const loginModule = tokens[i++];
    const flag = tokens[i++];
    if (loginModule === undefined || flag === undefined || loginModule === ';') {
      return 'expected `<LoginModule> <flag> key=value ... ;`';
    }
    if (!['required', 'requisite', 'sufficient', 'optional'].includes(flag.toLowerCase())) {
      return `login module ${loginModule} has the flag '${flag}', not required/requisite/sufficient/optional`;
    }
    const options = new Map<string, string>();
    while (i < tokens.length && tokens[i] !== ';') {
      const name = tokens[i++]!;
      if (tokens[i] !== '=') return `option ${name} of ${loginModule} has no '='`;
      const value = tokens[i + 1];
      if (value === undefined || value === ';')
        return `option ${name} of ${loginModule} has no value`;
      options.set(name, value);
      i += 2;
    }
    if (tokens[i] !== ';') return `the entry of ${loginModule} does not end with ';'`;
    i++;
    entries.push({ loginModule, flag: flag.toLowerCase(), options });
  }
  if (entries.length === 0) return 'no login module';
  return entries;
}

/** Words, quoted strings, '=' and ';'. Quoted strings come back unquoted. */
function tokenize(text: string): string[] | string {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '=' || c === ';') {
      out.push(c);
      i++;
    } else if (c === '"') {
      let value = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i++];
      }
      if (i >= text.length) return 'a quoted value is not closed';
      i++;
      out.push(value);
    } else {
      const m = /^[^\s=;"]+/.exec(text.slice(i))!;
      out.push(m[0]);
      i += m[0].length;
    }
  }
  return out;
}

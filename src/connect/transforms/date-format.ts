// The subset of Java's SimpleDateFormat patterns that Connect configs use (TimestampRouter's
// `timestamp.format`, TimestampConverter's `format`): yyyy, yy, MM, dd, HH, mm, ss, SSS,
// quoted literals, and 'Z'/'X' for UTC. Always UTC, as Kafka's transforms are.
const TOKEN = /'[^']*'|yyyy|yy|MM|dd|HH|mm|ss|SSS|XXX|X|Z|./g;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export function formatDate(ms: number, pattern: string): string {
  const d = new Date(ms);
  return pattern.replace(TOKEN, (t) => {
    switch (t) {
      case 'yyyy':
        return pad(d.getUTCFullYear(), 4);
      case 'yy':
        return pad(d.getUTCFullYear() % 100, 2);
      case 'MM':
        return pad(d.getUTCMonth() + 1, 2);
      case 'dd':
        return pad(d.getUTCDate(), 2);
      case 'HH':
        return pad(d.getUTCHours(), 2);
      case 'mm':
        return pad(d.getUTCMinutes(), 2);
      case 'ss':
        return pad(d.getUTCSeconds(), 2);
      case 'SSS':
        return pad(d.getUTCMilliseconds(), 3);
      case 'XXX':
      case 'X':
        return 'Z';
      case 'Z':
        return '+0000';
      default:
        return t.startsWith("'") ? t.slice(1, -1) : t;
    }
  });
}

export function parseDate(text: string, pattern: string): number {
  const parts = { y: 1970, M: 1, d: 1, H: 0, m: 0, s: 0, S: 0 };
  let pos = 0;
  const take = (n: number): number => {
    const s = text.slice(pos, pos + n);
    if (!/^\d+$/.test(s))
      throw new Error(
        `Could not parse timestamp: value (${text}) does not match pattern (${pattern})`,
      );
    pos += n;
    return Number(s);
  };
  for (const t of pattern.match(TOKEN) ?? []) {
    switch (t) {
      case 'yyyy':
        parts.y = take(4);
        break;
      case 'yy':
        parts.y = 2000 + take(2);
        break;
      case 'MM':
        parts.M = take(2);
        break;
      case 'dd':
        parts.d = take(2);
        break;
      case 'HH':
        parts.H = take(2);
        break;
      case 'mm':
        parts.m = take(2);
        break;
      case 'ss':
        parts.s = take(2);
        break;
      case 'SSS':
        parts.S = take(3);
        break;
      case 'XXX':
      case 'X':
        pos += text[pos] === 'Z' ? 1 : 6;
        break;
      case 'Z':
        pos += 5;
        break;
      default: {
        const lit = t.startsWith("'") ? t.slice(1, -1) : t;
        if (text.slice(pos, pos + lit.length) !== lit)
          throw new Error(
            `Could not parse timestamp: value (${text}) does not match pattern (${pattern})`,
          );
        pos += lit.length;
      }
    }
  }
  return Date.UTC(parts.y, parts.M - 1, parts.d, parts.H, parts.m, parts.s, parts.S);
}

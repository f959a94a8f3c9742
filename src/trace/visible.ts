/**
 * Ids (sessions, messages, consumers) come from workload files and user code, and may hold any
 * character. Printed as they are, an escape sequence in a session id would recolour, move or clear the
 * user's terminal, and a right-to-left override would make the text lie about its order. The text
 * renderers show such characters as JSON does: `\u001b`.
 */

/** C0 and C1 controls, DEL, the line and paragraph separators and the bidirectional overrides. */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control character written as `\uXXXX`. */
export function visible(text: string): string {
  return text.replace(INVISIBLE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `text` line by line through `visible`, its line breaks kept: multi-line messages and stack traces. */
export function visibleLines(text: string): string {
  return text
    .split('\n')
    .map((line) => visible(line))
    .join('\n');
}

/**
 * JSON text made safe for a terminal: JSON.stringify escapes C0 controls in strings but leaves C1
 * controls and the bidi overrides raw; they are escaped here (still valid JSON, the same value), and the
 * line breaks of pretty-printing are kept.
 */
export function visibleJson(json: string): string {
  return visibleLines(json);
}

/**
 * `value` as the JSON every command prints (`--json`, `--format json`): JSON.stringify's, indented by 2,
 * then made safe for a terminal by `visibleJson` — parsed back it is the same value, and the same value
 * always prints the same bytes.
 */
export function safeJson(value: unknown): string {
  // JSON.stringify gives undefined for undefined (and functions): printed, that is JSON's null.
  return visibleJson(JSON.stringify(value, null, 2) ?? 'null');
}

/** The same value with every string in it made visible (objects and arrays copied only where they change). */
export function visibleDeep<T>(value: T): T {
  if (typeof value === 'string') return visible(value) as T;
  if (Array.isArray(value)) {
    const mapped = value.map((v: unknown) => visibleDeep(v));
    return (mapped.every((v, i) => v === value[i]) ? value : mapped) as T;
  }
  if (value !== null && typeof value === 'object') {
    let changed = false;
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const seen = visibleDeep(v);
      if (seen !== v) changed = true;
      copy[k] = seen;
    }
    return (changed ? copy : value) as T;
  }
  return value;
}

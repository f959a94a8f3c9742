/**
 * From a zod issue to one sentence naming the JSON path and what was expected: `$.workload.entities[0]
 * .lockDurationMs must be a whole number, not the string "5"`. Both file formats (workload and replay)
 * report through here, with a ReplayFileError code for each problem so that a script can tell a missing
 * field from an unknown one without parsing the message.
 *
 * Messages are written here, not by zod, unless the schema gave its own (the entity limits of the
 * service, sbsim's size limits, the refinements): a schema's own message is reported as it stands.
 */
import type { z } from 'zod';
import type { ReplayFileErrorCode } from '../replay/errors.ts';

export interface Problem {
  readonly code: ReplayFileErrorCode;
  /** JSON path of the offending value (`$.decisions[3].pick`). */
  readonly path: string;
  /** One sentence, starting with the path. */
  readonly message: string;
}

/**
 * What zod gives an issue that the schema left without a message of its own. Parsing with this error map
 * (`{ error: generated }`) tells the two apart: a schema's own message replaces it.
 */
const GENERATED = '\u0000generated';
export const generated = (): string => GENERATED;

type Key = PropertyKey;
type Issue = z.core.$ZodIssue;
type Schema = z.core.$ZodType;

/** `$.a.b[2]`, or `$["odd key"]` for a key that is not an identifier. */
export function child(at: string, key: Key): string {
  if (typeof key === 'number') return `${at}[${key}]`;
  const name = String(key);
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `${at}.${name}` : `${at}[${JSON.stringify(name)}]`;
}

export function pathText(root: string, path: readonly Key[]): string {
  return path.reduce<string>((at, key) => child(at, key), root);
}

/** A value in a few words, never the whole of a large value. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return `an array of ${v.length} value${v.length === 1 ? '' : 's'}`;
  switch (typeof v) {
    case 'string':
      return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
    case 'number':
      return `the number ${v}`;
    case 'boolean':
      return String(v);
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

function isRecord(v: unknown): v is Record<Key, unknown> {
  return typeof v === 'object' && v !== null;
}

/** The value at `path` in `root`, and whether it is there at all (an own property, not inherited). */
function lookup(root: unknown, path: readonly Key[]): { present: boolean; value: unknown } {
  let v: unknown = root;
  for (const key of path) {
    if (!isRecord(v) || !Object.hasOwn(v, key)) return { present: false, value: undefined };
    v = v[key];
  }
  return { present: true, value: v };
}

function defOf(s: Schema): z.core.$ZodTypeDef & Record<string, unknown> {
  return s._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
}

/** Through defaults, optionals, nullables and pipes to the schema that checks the value itself. */
function unwrap(s: Schema): Schema {
  for (;;) {
    const def = defOf(s);
    if (['default', 'prefault', 'optional', 'nullable', 'readonly', 'nonoptional'].includes(def.type))
      s = def.innerType as Schema;
    else if (def.type === 'pipe') s = def.in as Schema;
    else return s;
  }
}

/** The schema declared for the value at `path` (a union's member chosen by the value's discriminator). */
function schemaAt(root: Schema, value: unknown, path: readonly Key[]): Schema | undefined {
  let s: Schema | undefined = root;
  let v = value;
  for (const key of path) {
    if (s === undefined) return undefined;
    const def = defOf(pick(unwrap(s), v));
    if (def.type === 'object') s = (def.shape as Record<string, Schema>)[String(key)];
    else if (def.type === 'array') s = def.element as Schema;
    else if (def.type === 'tuple') s = (def.items as Schema[])[Number(key)];
    else return undefined;
    v = isRecord(v) ? v[key] : undefined;
  }
  return s;
}

/** The schema that checks the value at `path` itself, past defaults, optionals and unions. */
function checkerAt(root: Schema, value: unknown, path: readonly Key[]): Schema | undefined {
  const s = schemaAt(root, value, path);
  return s && pick(unwrap(s), lookup(value, path).value);
}

/** Whether null is allowed at `path`. */
function nullableAt(root: Schema, value: unknown, path: readonly Key[]): boolean {
  for (let s = schemaAt(root, value, path); s !== undefined;) {
    const def = defOf(s);
    if (def.type === 'nullable') return true;
    if (!['default', 'prefault', 'optional', 'readonly'].includes(def.type)) return false;
    s = def.innerType as Schema;
  }
  return false;
}

/** A discriminated union's member for this value, or the schema itself. */
function pick(s: Schema, v: unknown): Schema {
  const def = defOf(s);
  if (def.type !== 'union' || typeof def.discriminator !== 'string' || !isRecord(v)) return s;
  const tag = v[def.discriminator];
  const member = (def.options as Schema[]).find((o) => {
    const field = (defOf(unwrap(o)).shape as Record<string, Schema> | undefined)?.[def.discriminator as string];
    return field !== undefined && (defOf(field).values as unknown[] | undefined)?.includes(tag);
  });
  return member ?? s;
}

const EXPECTED: Readonly<Record<string, string>> = {
  int: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  tuple: 'an array',
  null: 'null',
};

const words = (n: number): string => ['no', 'one', 'two', 'three', 'four'][n] ?? String(n);

const list = (values: readonly unknown[]): string => values.map((x) => JSON.stringify(x)).join(', ');

/** The problem an issue describes, at `root` (`$`, or `$.workload`) of the value `input` that was parsed. */
export function problemOf(issue: Issue, input: unknown, schema: Schema, root = '$'): Problem {
  const at = pathText(root, issue.path);
  const here = lookup(input, issue.path);
  const own = issue.message !== GENERATED;
  const make = (code: ReplayFileErrorCode, text: string, path = at): Problem => ({
    code,
    path,
    message: `${path} ${text}`,
  });
  const wrongType = (expected: string) => make('wrong-type', `must be ${expected}, not ${describeValue(here.value)}`);
  const target = () => checkerAt(schema, input, issue.path);

  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0] ?? '';
      const where = child(at, key);
      const shape = defOf(target() ?? schema).shape as Record<string, unknown> | undefined;
      const known = shape ? ` (known: ${Object.keys(shape).join(', ')})` : '';
      return make('unknown-field', `is not a field sbsim knows here${known}`, where);
    }
    case 'invalid_type': {
      if (!here.present) return make('missing-field', 'is missing');
      const orNull = nullableAt(schema, input, issue.path) ? ' or null' : '';
      const format = defOf(target() ?? schema).format;
      const expected = typeof format === 'string' && /int/.test(format) ? 'int' : issue.expected;
      return wrongType(`${EXPECTED[expected] ?? expected}${orNull}`);
    }
    case 'invalid_value': {
      const values = issue.values;
      if (values.length > 0 && typeof here.value !== typeof values[0])
        return wrongType(values.length === 1 ? list(values) : `one of ${list(values)}`);
      const expected = values.length === 1 ? list(values) : `one of ${list(values)}`;
      return make('bad-value', `must be ${expected}, not ${JSON.stringify(here.value)}`);
    }
    case 'too_small':
    case 'too_big': {
      const v = here.value;
      if (typeof v === 'number' && !Number.isSafeInteger(v) && (issue.origin === 'int' || issue.origin === 'number'))
        return wrongType('a whole number');
      const s = target();
      if (s && defOf(s).type === 'tuple')
        return wrongType(`an array of ${words((defOf(s).items as unknown[]).length)} values`);
      // A bound with a message of its own is a limit of the service or of sbsim: the workload breaks it.
      if (own) return make('invalid-workload', issue.message);
      return make('bad-value', bound(issue, v));
    }
    case 'invalid_union': {
      if ('discriminator' in issue && typeof issue.discriminator === 'string') {
        if (!here.present) return make('missing-field', 'is missing');
        const options = ((issue as { options?: unknown[] }).options ?? []) as unknown[];
        if (typeof here.value !== 'string') return wrongType(`one of ${list(options)}`);
        return make('bad-value', `must be one of ${list(options)}, not ${JSON.stringify(here.value)}`);
      }
      const text = own ? issue.message : 'is not any of the forms allowed here';
      return make(
        typeof here.value === 'string' ? 'bad-value' : 'wrong-type',
        `${text}, not ${describeValue(here.value)}`,
      );
    }
    case 'invalid_format':
      return make(
        'bad-value',
        `${own ? issue.message : `must be a ${issue.format}`}, not ${describeValue(here.value)}`,
      );
    case 'custom': {
      const code = (issue.params as { code?: ReplayFileErrorCode } | undefined)?.code ?? 'bad-value';
      return make(code, issue.message);
    }
    default:
      return make('bad-value', own ? issue.message : `is not allowed here (${issue.code})`);
  }
}

function bound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, v: unknown): string {
  const small = issue.code === 'too_small';
  const limit = Number(small ? issue.minimum : (issue as z.core.$ZodIssueTooBig).maximum);
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'string':
      if (small && limit === 1) return 'must not be empty';
      return `must be ${small ? 'at least' : 'at most'} ${limit} characters long, not ${(v as string).length}`;
    case 'array':
    case 'set':
      return `must have ${small ? 'at least' : 'at most'} ${limit} entries, not ${(v as unknown[]).length}`;
    default:
      return `must be ${small ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'less than'} ${limit}, not ${String(v)}`;
  }
}

/**
 * The problem to report of a failed parse: an unknown field first (a misspelt field is both unknown and
 * missing, and its real name is the more useful message), then the first in the order of the schema.
 */
export function firstProblem(error: z.core.$ZodError, input: unknown, schema: Schema, root = '$'): Problem {
  const issues = error.issues;
  const first =
    issues.find((i) => i.code === 'unrecognized_keys') ?? issues.find((i) => i.code !== 'custom') ?? issues[0];
  if (!first) return { code: 'bad-value', path: root, message: `${root} is not valid` };
  return problemOf(first, input, schema, root);
}

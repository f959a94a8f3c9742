/**
 * A small hand-written validator for JSON values: each `Check<T>` either returns the value as a `T` or
 * throws a ReplayFileError naming the JSON path. Strict by design: an object with a field the schema
 * does not name is rejected, so a typo (`lockDurationMS`) cannot silently fall back to a default.
 *
 * `fields<T>()` ties a schema to a TypeScript type in both directions: a field added to `T` and not to
 * the schema (or the reverse) is a compile error, so the file format cannot drift from the model.
 */
import { ReplayFileError } from './errors.ts';

export type Check<T> = (value: unknown, at: string) => T;

/** `$.a.b[2]`, or `$["odd key"]` for a key that is not an identifier. */
export function child(at: string, key: string | number): string {
  if (typeof key === 'number') return `${at}[${key}]`;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${at}.${key}` : `${at}[${JSON.stringify(key)}]`;
}

/** A value in a few words, never the whole of a large value. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
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

function wrongType(at: string, expected: string, v: unknown): ReplayFileError {
  return new ReplayFileError('wrong-type', `${at} must be ${expected}, not ${describeValue(v)}`, at);
}

function badValue(at: string, text: string): ReplayFileError {
  return new ReplayFileError('bad-value', `${at} ${text}`, at);
}

export const str: Check<string> = (v, at) => {
  if (typeof v !== 'string') throw wrongType(at, 'a string', v);
  return v;
};

export const bool: Check<boolean> = (v, at) => {
  if (typeof v !== 'boolean') throw wrongType(at, 'true or false', v);
  return v;
};

export interface NumberRule {
  readonly int?: boolean;
  readonly min?: number;
  readonly max?: number;
}

export function num(rule: NumberRule = {}): Check<number> {
  return (v, at) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw wrongType(at, rule.int ? 'a whole number' : 'a number', v);
    if (rule.int && !Number.isSafeInteger(v)) throw wrongType(at, 'a whole number', v);
    if (rule.min !== undefined && v < rule.min) throw badValue(at, `must be at least ${rule.min}, not ${v}`);
    if (rule.max !== undefined && v > rule.max) throw badValue(at, `must be at most ${rule.max}, not ${v}`);
    return v;
  };
}

/** Whole numbers ≥ 0: counts, steps, indices. */
export const count = num({ int: true, min: 0 });
/** Virtual times and durations: ≥ 0 (the model's clock is whole milliseconds, but it never needs to be). */
export const ms = num({ min: 0 });

export function literal<T extends string | number | boolean>(expected: T): Check<T> {
  return (v, at) => {
    if (typeof v !== typeof expected)
      throw wrongType(at, `${typeof expected === 'string' ? 'the string ' : ''}${JSON.stringify(expected)}`, v);
    if (v !== expected) throw badValue(at, `must be ${JSON.stringify(expected)}, not ${JSON.stringify(v)}`);
    return expected;
  };
}

export function oneOf<T extends string>(values: readonly T[]): Check<T> {
  return (v, at) => {
    if (typeof v !== 'string') throw wrongType(at, `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`, v);
    if (!(values as readonly string[]).includes(v))
      throw badValue(at, `must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}, not ${JSON.stringify(v)}`);
    return v as T;
  };
}

export function nullable<T>(check: Check<T>): Check<T | null> {
  return (v, at) => (v === null ? null : check(v, at));
}

export function arrayOf<T>(item: Check<T>): Check<T[]> {
  return (v, at) => {
    if (!Array.isArray(v)) throw wrongType(at, 'an array', v);
    return v.map((x: unknown, i) => item(x, child(at, i)));
  };
}

export function pair<A, B>(first: Check<A>, second: Check<B>): Check<[A, B]> {
  return (v, at) => {
    if (!Array.isArray(v) || v.length !== 2) throw wrongType(at, 'an array of two values', v);
    return [first(v[0], child(at, 0)), second(v[1], child(at, 1))];
  };
}

/** Either of two checks, told apart by the JSON type of the value (`'next'` or a list of names). */
export function either<A, B>(isFirst: (v: unknown) => boolean, first: Check<A>, second: Check<B>): Check<A | B> {
  return (v, at) => (isFirst(v) ? first(v, at) : second(v, at));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];
type RequiredKeys<T> = Exclude<keyof T, OptionalKeys<T>>;

export type RequiredShape<T> = { readonly [K in RequiredKeys<T>]-?: Check<T[K]> };
export type OptionalShape<T> = { readonly [K in OptionalKeys<T>]-?: Check<Exclude<T[K], undefined>> };

/**
 * An object with exactly these fields: every required one present, optional ones present or absent,
 * nothing else. Unknown fields are reported before missing ones: a misspelt field is both, and its
 * real name is the more useful message.
 */
export function fields<T extends object>(required: RequiredShape<T>, optional: OptionalShape<T>): Check<T> {
  const req = Object.entries(required) as [string, Check<unknown>][];
  const opt = Object.entries(optional) as [string, Check<unknown>][];
  const known = new Set([...req, ...opt].map(([k]) => k));
  return (v, at) => {
    if (!isPlainObject(v)) throw wrongType(at, 'an object', v);
    for (const key of Object.keys(v)) {
      if (!known.has(key)) {
        const where = child(at, key);
        throw new ReplayFileError(
          'unknown-field',
          `${where} is not a field sbsim knows here (known: ${[...known].join(', ')})`,
          where,
        );
      }
    }
    const out: Record<string, unknown> = {};
    for (const [key, check] of req) {
      const where = child(at, key);
      if (!Object.hasOwn(v, key)) throw new ReplayFileError('missing-field', `${where} is missing`, where);
      out[key] = check(v[key], where);
    }
    for (const [key, check] of opt) {
      if (Object.hasOwn(v, key)) out[key] = check(v[key], child(at, key));
    }
    return out as T;
  };
}

/** A union of object types told apart by a string field (`kind`). */
export function tagged<T extends Record<D, string>, D extends string>(
  tag: D,
  variants: { readonly [K in T[D]]: Check<Extract<T, Record<D, K>>> },
): Check<T> {
  const names = Object.keys(variants);
  return (v, at) => {
    if (!isPlainObject(v)) throw wrongType(at, 'an object', v);
    const where = child(at, tag);
    if (!Object.hasOwn(v, tag)) throw new ReplayFileError('missing-field', `${where} is missing`, where);
    const kind = oneOf(names)(v[tag], where);
    const check = (variants as Record<string, Check<T>>)[kind];
    if (!check) throw badValue(where, `must be one of ${names.join(', ')}`);
    return check(v, at);
  };
}

/** A further check on a value that passed `check`. */
export function refine<T>(check: Check<T>, test: (value: T) => string | null): Check<T> {
  return (v, at) => {
    const value = check(v, at);
    const problem = test(value);
    if (problem !== null) throw badValue(at, problem);
    return value;
  };
}

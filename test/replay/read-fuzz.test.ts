/**
 * The reader against malformed files, generated: random JSON values, every truncation of a valid file,
 * values of the wrong type at any path, unknown fields in any object, picks out of range, newer
 * versions. Every one must end in a ReplayFileError — never another exception, never a hang (the
 * reader makes one pass over the text and one over the schema; the suite's timeout would catch a loop).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REPLAY_FORMAT_VERSION } from '../../src/replay/format.ts';
import type { ReplayFileErrorCode } from '../../src/replay/read.ts';
import { parseJson, parseReplay, ReplayFileError } from '../../src/replay/read.ts';
import { m03Text } from './fixture.ts';

const VALID = m03Text();
const VALID_JSON = JSON.parse(VALID) as unknown;

/** The code the reader gives, or `ok`; anything else thrown fails the test. */
function outcome(text: string): ReplayFileErrorCode | 'ok' {
  try {
    parseReplay(text);
    return 'ok';
  } catch (e) {
    if (e instanceof ReplayFileError) return e.code;
    throw e;
  }
}

type Path = (string | number)[];

/** Every path to a value inside the file, root excluded. */
function paths(v: unknown, prefix: Path = []): Path[] {
  if (typeof v !== 'object' || v === null) return [];
  const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x: unknown, i) => [i, x]) : Object.entries(v);
  return entries.flatMap(([k, x]) => [[...prefix, k], ...paths(x, [...prefix, k])]);
}

/** Paths to objects (not arrays): where an unknown field can go. */
function objectPaths(v: unknown, prefix: Path = []): Path[] {
  if (typeof v !== 'object' || v === null) return [];
  const here = Array.isArray(v) ? [] : [prefix];
  const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x: unknown, i) => [i, x]) : Object.entries(v);
  return [...here, ...entries.flatMap(([k, x]) => objectPaths(x, [...prefix, k]))];
}

function get(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], root);
}

/** A copy of the file with the value at `path` replaced (as an own property, even for `__proto__`). */
function replaced(path: Path, value: unknown): string {
  const copy = JSON.parse(VALID) as unknown;
  const parent = get(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  Object.defineProperty(parent, path[path.length - 1] as string | number, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return JSON.stringify(copy);
}

function jsonType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

const ALL_PATHS = paths(VALID_JSON);
const OBJECT_PATHS = objectPaths(VALID_JSON);

describe('replay file reader: malformed input always ends in a typed ReplayFileError', () => {
  it('random JSON values (and their text) are rejected', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(outcome(JSON.stringify(value) ?? 'null')).not.toBe('ok');
      }),
      { numRuns: 500 },
    );
  });

  it('random text is rejected', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        expect(outcome(text)).not.toBe('ok');
      }),
      { numRuns: 500 },
    );
  });

  it(`every truncation of a valid file (all ${VALID.length} lengths) is reported as truncated`, () => {
    const complete = VALID.trimEnd().length;
    for (let n = 0; n < complete; n++) {
      const code = outcome(VALID.slice(0, n));
      if (code !== 'truncated') throw new Error(`cut at ${n} characters: ${code}, expected truncated`);
    }
    expect(outcome(VALID.slice(0, complete))).toBe('ok');
  });

  it('a value of another JSON type at any path is rejected', () => {
    const primitives = fc.oneof(fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean());
    fc.assert(
      fc.property(fc.constantFrom(...ALL_PATHS), primitives, (path, value) => {
        const old = get(VALID_JSON, path);
        fc.pre(jsonType(value) !== jsonType(old));
        // Null stands for "none" in fields that otherwise hold a number (maxSessions, a TTL).
        fc.pre(old !== null);
        // The one field that takes a string or an array: `sessions` is 'next' or a list of session names.
        fc.pre(!(path[path.length - 1] === 'sessions' && value === 'next'));
        expect(outcome(replaced(path, value))).not.toBe('ok');
      }),
      { numRuns: 1000 },
    );
  });

  it('any JSON value at any path gives either a valid file or a ReplayFileError, nothing else', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL_PATHS), fc.jsonValue({ maxDepth: 3 }), (path, value) => {
        outcome(replaced(path, value));
      }),
      { numRuns: 1000 },
    );
  });

  it('an unknown field in any object is rejected as unknown-field', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...OBJECT_PATHS),
        fc.oneof(fc.string({ minLength: 1 }), fc.constant('__proto__'), fc.constant('constructor')),
        fc.jsonValue({ maxDepth: 2 }),
        (path, key, value) => {
          const target = get(VALID_JSON, path) as Record<string, unknown>;
          fc.pre(!Object.hasOwn(target, key));
          const code = outcome(replaced([...path, key], value));
          // A newer-format file is reported as such before its fields are looked at.
          if (path.length === 0 && key === 'formatVersion') return;
          expect(code).toBe('unknown-field');
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a pick outside [0, n) is decision-out-of-range', () => {
    const decisions = (VALID_JSON as { decisions: { n: number }[] }).decisions;
    fc.assert(
      fc.property(
        fc.nat(decisions.length - 1),
        fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 0, max: 1e9 })),
        (index, offset) => {
          const n = decisions[index]?.n ?? 0;
          const pick = offset < 0 ? offset : n + offset;
          const e = outcome(replaced(['decisions', index, 'pick'], pick));
          expect(e).toBe('decision-out-of-range');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a newer format version is newer-version, whatever else the file holds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: REPLAY_FORMAT_VERSION + 1, max: Number.MAX_SAFE_INTEGER }),
        fc.dictionary(fc.string({ minLength: 1 }), fc.jsonValue({ maxDepth: 2 })),
        (version, extra) => {
          const file = { ...(VALID_JSON as object), ...extra, format: 'sbsim-replay', formatVersion: version };
          expect(outcome(JSON.stringify(file))).toBe('newer-version');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('truncation: told from JSON.parse where it stopped', () => {
  const codeOf = (text: string): string => {
    try {
      parseJson(text);
      return 'ok';
    } catch (e) {
      if (e instanceof ReplayFileError) return e.code;
      throw e;
    }
  };

  it('every proper prefix of any JSON text is truncated', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), fc.nat(), (value, pretty, cut) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined) ?? 'null';
        const prefix = text.slice(0, cut % (text.length + 1));
        const code = codeOf(prefix);
        // A prefix may itself be a whole document (`12` of `123`, `[]` never: it closes).
        if (code !== 'ok') expect(code, JSON.stringify(prefix)).toBe('truncated');
      }),
      { numRuns: 1000 },
    );
  });

  it('text with an error before its end is not-json', () => {
    for (const bad of [
      '{]',
      '[1,]',
      '{"a" 1}',
      '{"a":1}}',
      'nul1',
      '01',
      '"a\u0001"',
      '{"a":tru }',
      '1 2',
      '[1.]',
      '"\\x"',
    ]) {
      expect(codeOf(bad), bad).toBe('not-json');
    }
  });
});

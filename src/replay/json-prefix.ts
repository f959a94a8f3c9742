/**
 * Is this text the beginning of a JSON document? JSON.parse says only that a text is not JSON; a file
 * cut short by an interrupted copy or a full disk deserves its own message ("truncated") rather than
 * "unexpected token". This scans the text as a JSON tokenizer would and answers true when it meets no
 * error before the end — so some continuation of the text would be a valid document.
 *
 * Iterative, with an explicit stack: no input nests deep enough to overflow anything.
 */
type Expect = 'value' | 'firstKey' | 'key' | 'colon' | 'commaOrEnd' | 'done';

const WS = new Set([' ', '\t', '\n', '\r']);
const NUMBER_CHARS = /[-+0-9.eE]/;
const FULL_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const NUMBER_PREFIX = /^-?(?:(?:0|[1-9]\d*)(?:\.\d*)?(?:(?<=\d)[eE][+-]?\d*)?)?$/;
const LITERALS = ['true', 'false', 'null'];

export function isJsonPrefix(text: string): boolean {
  const stack: ('{' | '[')[] = [];
  let expect = 'value' as Expect;
  let i = 0;
  /** After a complete value: what may follow it. */
  const afterValue = (): Expect => (stack.length === 0 ? 'done' : 'commaOrEnd');

  while (i < text.length) {
    const ch = text[i] ?? '';
    if (WS.has(ch)) {
      i++;
      continue;
    }
    switch (expect) {
      case 'done':
        return false;
      case 'colon':
        if (ch !== ':') return false;
        expect = 'value';
        i++;
        continue;
      case 'commaOrEnd': {
        const top = stack[stack.length - 1];
        if (ch === ',') {
          expect = top === '{' ? 'key' : 'value';
          i++;
          continue;
        }
        if ((ch === '}' && top === '{') || (ch === ']' && top === '[')) {
          stack.pop();
          expect = afterValue();
          i++;
          continue;
        }
        return false;
      }
      case 'firstKey':
      case 'key': {
        if (ch === '}' && expect === 'firstKey') {
          stack.pop();
          expect = afterValue();
          i++;
          continue;
        }
        if (ch !== '"') return false;
        const end = scanString(text, i);
        if (end === 'bad') return false;
        if (end === 'open') return true;
        i = end;
        expect = 'colon';
        continue;
      }
      case 'value': {
        if (ch === '{' || ch === '[') {
          stack.push(ch);
          expect = ch === '{' ? 'firstKey' : 'value';
          i++;
          // An empty array closes at once.
          if (ch === '[') {
            let j = i;
            while (j < text.length && WS.has(text[j] ?? '')) j++;
            if (text[j] === ']') {
              stack.pop();
              expect = afterValue();
              i = j + 1;
            }
          }
          continue;
        }
        if (ch === '"') {
          const end = scanString(text, i);
          if (end === 'bad') return false;
          if (end === 'open') return true;
          i = end;
          expect = afterValue();
          continue;
        }
        if (NUMBER_CHARS.test(ch)) {
          let j = i;
          while (j < text.length && NUMBER_CHARS.test(text[j] ?? '')) j++;
          const token = text.slice(i, j);
          if (j === text.length) return NUMBER_PREFIX.test(token);
          if (!FULL_NUMBER.test(token)) return false;
          i = j;
          expect = afterValue();
          continue;
        }
        let j = i;
        while (j < text.length && /[a-z]/.test(text[j] ?? '')) j++;
        const word = text.slice(i, j);
        if (j === text.length) return word.length > 0 && LITERALS.some((l) => l.startsWith(word));
        if (!LITERALS.includes(word)) return false;
        i = j;
        expect = afterValue();
        continue;
      }
    }
  }
  return true;
}

/** From an opening quote: the index after the closing quote, `open` if the text ends inside, `bad` on an invalid string. */
function scanString(text: string, start: number): number | 'open' | 'bad' {
  let i = start + 1;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) return i + 1;
    if (ch < 0x20) return 'bad';
    if (ch !== 0x5c) {
      i++;
      continue;
    }
    const esc = text[i + 1];
    if (esc === undefined) return 'open';
    if ('"\\/bfnrt'.includes(esc)) {
      i += 2;
      continue;
    }
    if (esc !== 'u') return 'bad';
    for (let k = 0; k < 4; k++) {
      const h = text[i + 2 + k];
      if (h === undefined) return 'open';
      if (!/[0-9a-fA-F]/.test(h)) return 'bad';
    }
    i += 6;
  }
  return 'open';
}

/** `1 run`, `3 runs`: a count with its noun, plural when it is not one. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

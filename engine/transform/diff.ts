/** Field-level differences between two JSON values, as JSON pointers: for fixtures, shadow and `ferry diff`. */

export interface Difference {
  pointer: string;
  /** undefined when the field is missing on that side. */
  left: unknown;
  right: unknown;
}

export function diffJson(left: unknown, right: unknown, pointer = ''): Difference[] {
  if (Object.is(left, right)) return [];
  const bothObjects =
    left &&
    right &&
    typeof left === 'object' &&
    typeof right === 'object' &&
    Array.isArray(left) === Array.isArray(right);
  if (!bothObjects) return [{ pointer: pointer || '/', left, right }];
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  const out: Difference[] = [];
  for (const key of keys) {
    const child = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    out.push(
      ...diffJson((left as Record<string, unknown>)[key], (right as Record<string, unknown>)[key], child),
    );
  }
  return out;
}

export function formatDifferences(differences: Difference[], leftName: string, rightName: string): string {
  const show = (v: unknown) => (v === undefined ? '(missing)' : JSON.stringify(v));
  return differences
    .map((d) => `  ${d.pointer}\n    ${leftName}: ${show(d.left)}\n    ${rightName}: ${show(d.right)}`)
    .join('\n');
}

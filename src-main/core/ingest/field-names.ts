/**
 * `name (2)`, `name (3)`, …: the first numbered form of `name` that `taken` does not hold. How a
 * second column or key of one record is kept when its name is already used (exactly or in case).
 */
export function numberedName(name: string, taken: (candidate: string) => boolean): string {
  for (let k = 2; ; k++) {
    const candidate = `${name} (${k})`;
    if (!taken(candidate)) return candidate;
  }
}

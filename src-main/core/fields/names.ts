/**
 * Name -> position of every field of the project, case-insensitive (Windows exports spell one
 * key `ProcessId` and `ProcessID`). New names get the next position.
 */
export class FieldRegistry {
  private readonly byName = new Map<string, number>();
  readonly added: Array<{ pos: number; name: string }> = [];
  private next: number;

  /** From the project's fields (as `fieldPositions` lists them), plus any added since. */
  constructor(existing: Array<{ pos: number; name: string }>, added: Array<{ pos: number; name: string }> = []) {
    for (const r of existing) this.byName.set(r.name.toLowerCase(), r.pos);
    this.next = existing.reduce((m, r) => Math.max(m, r.pos + 1), 0);
    for (const a of added) this.pos(a.name);
  }

  pos(name: string): number {
    const key = name.toLowerCase();
    let p = this.byName.get(key);
    if (p === undefined) {
      p = this.next++;
      this.byName.set(key, p);
      this.added.push({ pos: p, name });
    }
    return p;
  }

  find(name: string): number | undefined {
    return this.byName.get(name.toLowerCase());
  }
}

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

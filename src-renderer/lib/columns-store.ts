/** The review table's columns, remembered per project in this browser's storage. */

const KEY = 'rosas.columns.v1:';

export function loadColumns(storage: Storage | undefined, projectPath: string): string[] | null {
  try {
    const text = storage?.getItem(KEY + projectPath);
    if (!text) return null;
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null;
  } catch {
    return null;
  }
}

export function saveColumns(storage: Storage | undefined, projectPath: string, columns: string[]): void {
  try {
    storage?.setItem(KEY + projectPath, JSON.stringify(columns));
  } catch {
    // Storage full or disabled: the columns last for this session only.
  }
}

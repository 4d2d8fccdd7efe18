/** A parsed value as stored in the project. Lists hold scalars only; deeper structure is kept as JSON text. */
export type Scalar = string | number | boolean;
export type FieldValue = Scalar | Scalar[] | null;

export type Fields = Record<string, FieldValue>;

const NO_VALUES: FieldValue[] = [];

/**
 * A record's `fields` column (a JSON array of values by field position) parsed; a damaged one
 * reads as no values rather than failing the whole read. Shared empty result: do not modify.
 */
export function parseFieldValues(text: string): FieldValue[] {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? (v as FieldValue[]) : NO_VALUES;
  } catch {
    return NO_VALUES;
  }
}

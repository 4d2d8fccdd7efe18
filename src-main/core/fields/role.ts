/**
 * What a field is to the detector. Inferred from the data when a field is first seen (and again as
 * imports add data, features/roles.ts), shown to the analyst, and overridable. The feature spec
 * turns each role into columns (docs/features.md); `identifier`, `text`, `label` and `ignore` give none.
 */
export type Role = 'numeric' | 'categorical' | 'ip' | 'port' | 'timestamp' | 'identifier' | 'text' | 'label' | 'ignore';

export const ROLES: readonly Role[] = ['numeric', 'categorical', 'ip', 'port', 'timestamp', 'identifier', 'text', 'label', 'ignore'];

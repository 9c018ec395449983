/**
 * The built-in groups, made by the migration CreateComputerGroups with these fixed ids so every
 * installation (and every test) can name them without a lookup.
 */
export const ALL_COMPUTERS_GROUP_ID = '00000000-0000-4000-8000-000000000001';
export const UNASSIGNED_COMPUTERS_GROUP_ID = '00000000-0000-4000-8000-000000000002';

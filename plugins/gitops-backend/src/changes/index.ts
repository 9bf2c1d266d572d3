export { changesSince } from './changesSince';
export type { CommitChanges } from './changesSince';
export { planReads } from './planReads';
export type { ReadPlan, ReadScope } from './planReads';

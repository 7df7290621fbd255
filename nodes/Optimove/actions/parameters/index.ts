// Reading node parameters for an item: one fast path (plan.ts), the readers built on it (read.ts)
// and the typed readers that say what to fix (values.ts).
export * from './plan';
export * from './read';
export * from './values';

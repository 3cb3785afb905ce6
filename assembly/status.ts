// i32 status codes returned by every kernel. Kernels never throw across the
// boundary: they return one of these, and src/kernel/status.ts maps them to
// typed errors on the host side. Keep the numbers stable.
export const OK: i32 = 0;
export const ERR_BAD_ARGUMENT: i32 = 1;   // a length or count was negative or inconsistent
export const ERR_BAD_TYPE: i32 = 2;       // an unknown type code
export const ERR_TRUNCATED: i32 = 3;      // an encoded buffer ended early
export const ERR_BAD_VERSION: i32 = 4;    // an encoded buffer has an unknown format version
export const ERR_OUT_OF_RANGE: i32 = 5;   // an index past the end
export const ERR_OUT_OF_MEMORY: i32 = 6;  // the arena could not grow

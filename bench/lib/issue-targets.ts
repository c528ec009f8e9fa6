// The numbers the issues set, in one place: the bench checks them (bench/targets.ts)
// and the CI size check prints them (bench/size-budget.ts). Measured, never asserted
// as timings in tests.

/** Issue #13: createSocket with default options, eventemitter3 included, gzip -9 bytes. */
export const CLIENT_TARGET_BYTES = 6_000;
/** Issue #13: classify alone, gzip -9 bytes. */
export const CLASSIFY_TARGET_BYTES = 560;
/** Issue #13: heap per idle open socket with default options, bytes (the fake WebSocket included). */
export const HEAP_PER_SOCKET_TARGET_BYTES = 3_000;
/** Issues #7 and #13: ManagedSocket throughput ÷ the bare client's. */
export const THROUGHPUT_TARGET_RATIO = 0.95;
/** Issue #7: heap growth after GC under 1 MB (this many bytes) over 10,000 connect/close cycles. */
export const LEAK_TARGET_BYTES = 1024 * 1024;
/** The cycle count LEAK_TARGET_BYTES is set over. */
export const LEAK_TARGET_CYCLES = 10_000;

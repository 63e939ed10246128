/** V8 settings of a leadbot process (see v8-flags.mjs). */
export function applyV8Flags(): void;

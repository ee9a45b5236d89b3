// The warnings a call emits, caught synchronously at process.emitWarning (nothing reaches stderr).
/** [category, message] per warning fn emitted, in order. */
export function warningsOf(fn: () => unknown): [string, string][] {
  const seen: [string, string][] = [];
  const emit = process.emitWarning;
  process.emitWarning = ((message: string | Error, category?: string | { type?: string }) => {
    const type = typeof category === 'string' ? category : category?.type ?? 'Warning';
    seen.push([type, typeof message === 'string' ? message : message.message]);
  }) as typeof process.emitWarning;
  try {
    fn();
  } finally {
    process.emitWarning = emit;
  }
  return seen;
}

// A file the toolkit could not write (a missing folder, a parent that is a file, no permission): the
// error names the function and the path, and keeps the file system's code and the error as its cause.
export function writeError(fn: string, path: string, err: unknown): Error {
  return Object.assign(new Error(`${fn}: cannot write '${path}': ${(err as Error).message}`, { cause: err }), { code: (err as NodeJS.ErrnoException).code });
}

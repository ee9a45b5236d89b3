/** Whether libtorch `built` (buildInfo().torchVersion) is the release `made` (a fixture's torch.__version__): same major.minor. */
export const isSameRelease = (made: string, built: string): boolean => built.startsWith(made.split('.').slice(0, 2).join('.') + '.');

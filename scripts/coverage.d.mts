// Types of scripts/coverage.mjs for test/coverage.test.ts.
export interface CoverageResult {
  ns: string;
  name: string;
  id: string;
  js: string;
  status: 'covered' | 'failed' | 'excluded';
  kind?: 'missing' | 'no case' | 'throws' | 'mismatch' | 'no error';
  detail?: string;
  case?: string;
}
export interface CoverageSummary {
  torch: string;
  namespaces: Record<string, { total: number; excluded: number; inScope: number; covered: number }>;
  /** fixture namespaces not counted because torchnode does not export them yet */
  pending: string[];
  results: CoverageResult[];
}
export interface CoverageFixture {
  torch: string;
  seed: number;
  namespaces: Record<string, Record<string, { js: string; excluded?: string; cases?: { kind: string; source: string; expect: unknown }[] }>>;
}
export const fixturePath: string;
export const knownGoodPath: string;
export function loadFixture(path?: string): CoverageFixture;
export function replay(fixture: CoverageFixture, only?: Set<string>): CoverageSummary;
export function compare(actual: unknown, expected: unknown, metaOnly?: boolean): string | null;
export function camel(name: string): string;

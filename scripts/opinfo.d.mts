// Types of scripts/opinfo.mjs for test/opinfo-*.test.ts.
import type { Tensor } from '../dist/index.js';
export interface OpInfoSample { index: number; args: unknown[]; kwargs?: Record<string, unknown>; expect: Record<string, unknown>; compare?: 'meta' | 'exact' }
export interface OpInfoEntry {
  name: string;
  variantTest?: string;
  excluded?: string;
  unexpressible?: string;
  variants?: Record<string, string>;
  dtypes?: Record<string, OpInfoSample[]>;
  tolerance?: Record<string, [number, number]>;
  grad?: { sample?: number; index?: number; dtype?: string; variant?: string; clone?: boolean; fast?: boolean; wrapper?: { name: string; idx?: number; op?: string }; process?: { name: string; linalg?: boolean }; wrapped?: unknown; paths: number[][]; pass: boolean; elements?: number[]; args?: unknown; kwargs?: unknown };
  functionOrder?: number[];
}
export interface OpInfoShard { torch: string; seed: number; shards: number; shard: number; ops: Record<string, OpInfoEntry> }
export interface Outcome { key: string; variant: string; dtype: string; index: number; detail: string | null }
export interface KnownFailure { line: string; key: string; variant: string; dtype: string; samples: '*' | number[]; reason: string }
export const fixtureDir: string;
export const knownFailuresPath: string;
export const SHARDS: number;
export function loadShard(shard: number): OpInfoShard;
export function namespaceOf(name: string): string;
export function replayOp(key: string, entry: OpInfoEntry, seed: number): Outcome[];
export function loadKnownFailures(path?: string): KnownFailure[];
export function judge(outcomes: Outcome[], known: KnownFailure[]): { unexpected: string[]; stale: string[] };
export function label(o: Outcome): string;
/** The op's recorded gradcheck: the differentiated arguments -> the floating outputs, and the leaves; or why there is none. */
export function gradFunction(entry: OpInfoEntry, seed: number): { fn: (...xs: Tensor[]) => Tensor[]; leaves: Tensor[]; error?: undefined } | { error: string; fn?: undefined; leaves?: undefined };

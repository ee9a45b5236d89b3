// Types of scripts/pyvalues.mjs.
import type { Tensor } from '../dist/index.js';
export const camel: (name: string) => string;
export const TOLERANCES: Record<string, [number, number]>;
export function special(v: unknown): unknown;
export function rawValues(spec: { dtype: string; b64: string }): ArrayLike<number | bigint>;
export function makeTensor(spec: { dtype: string; shape: number[]; data?: unknown; b64?: string }): Tensor;
export function decode(v: unknown): unknown;
export function describe(v: unknown): string;
export function compare(actual: unknown, expected: unknown, mode?: boolean | { meta?: boolean; exact?: boolean; tolerance?: [number, number] }): string | null;

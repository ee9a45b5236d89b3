// nn.functional.linear and bilinear: one ATen op each, as torch._C._nn.linear / torch.bilinear.
import { aten } from '../../call.js';
import type { DTypeLike } from '../../dtype.js';
import type { Tensor } from '../../tensor.js';
import { pythonFunction, REQUIRED, signature, type PyArgs } from './_signature.js';

/** `F.linear(input, weight, bias=None)`: y = x Wᵀ + b. */
export const linear: (input: Tensor, ...args: PyArgs<[weight: Tensor, bias: Tensor | null], { weight?: Tensor; bias?: Tensor | null }>) => Tensor = pythonFunction(
  signature('linear', { input: REQUIRED, weight: REQUIRED, bias: null }),
  (input, weight, bias) => aten('linear', [input, weight, bias]) as Tensor,
);

/** `F.bilinear(input1, input2, weight, bias=None)`: y = x1ᵀ A x2 + b. */
export const bilinear: (input1: Tensor, ...args: PyArgs<[input2: Tensor, weight: Tensor, bias: Tensor | null], { input2?: Tensor; weight?: Tensor; bias?: Tensor | null }>) => Tensor = pythonFunction(
  signature('bilinear', { input1: REQUIRED, input2: REQUIRED, weight: REQUIRED, bias: null }),
  (input1, input2, weight, bias) => aten('bilinear', [input1, input2, weight, bias]) as Tensor,
);

// ---- grouped and scaled (low-precision) matrix products, new in 2.13: thin wrappers as in functional.py

/** `F.ScalingType`: how a scale tensor of scaledMm applies (Python's enum, by value). */
export const ScalingType = Object.freeze({ TensorWise: 0, RowWise: 1, BlockWise1x16: 2, BlockWise1x32: 3, BlockWise1x128: 4, BlockWise128x128: 5 } as const);
/** `F.SwizzleType`: the memory layout of a scale tensor of scaledMm (Python's enum, by value). */
export const SwizzleType = Object.freeze({ NO_SWIZZLE: 0, SWIZZLE_32_4_4: 1 } as const);
type Recipe = (typeof ScalingType)[keyof typeof ScalingType];
type Swizzle = (typeof SwizzleType)[keyof typeof SwizzleType];
type OneOrList<T> = T | readonly T[];
const asList = <T>(v: OneOrList<T> | null): T[] => (v === null ? [] : Array.isArray(v) ? [...(v as T[])] : [v as T]);

/** `F.grouped_mm(mat_a, mat_b, *, offs=None, bias=None, out_dtype=None)`: matrix products of groups (offs: group ends). */
export const groupedMm: (matA: Tensor, matB: Tensor, options?: { offs?: Tensor | null; bias?: Tensor | null; outDtype?: DTypeLike | null }) => Tensor = pythonFunction(
  signature('grouped_mm', { matA: REQUIRED, matB: REQUIRED, offs: null, bias: null, outDtype: null }),
  (matA, matB, offs, bias, outDtype) => aten('_grouped_mm', [matA, matB, offs, bias, outDtype]) as Tensor,
);

interface ScaledMmOptions {
  swizzleA?: OneOrList<Swizzle> | null; swizzleB?: OneOrList<Swizzle> | null; bias?: Tensor | null; outputDtype?: DTypeLike | null;
  contractionDim?: readonly number[]; useFastAccum?: boolean;
}
const SCALED = { matA: REQUIRED, matB: REQUIRED, scaleA: REQUIRED, scaleRecipeA: REQUIRED, scaleB: REQUIRED, scaleRecipeB: REQUIRED, swizzleA: null, swizzleB: null };
type ScaledArgs = [matA: Tensor, matB: Tensor, scaleA: OneOrList<Tensor>, scaleRecipeA: OneOrList<Recipe>, scaleB: OneOrList<Tensor>, scaleRecipeB: OneOrList<Recipe>];
// Both functions hand the scales, recipes and swizzles to their op as lists, as functional.py does.
const scaledLists = (scaleA: unknown, recipeA: unknown, swizzleA: unknown, scaleB: unknown, recipeB: unknown, swizzleB: unknown): unknown[] =>
  [asList(scaleA as OneOrList<Tensor>), asList(recipeA as OneOrList<Recipe>), asList(swizzleA as OneOrList<Swizzle> | null),
    asList(scaleB as OneOrList<Tensor>), asList(recipeB as OneOrList<Recipe>), asList(swizzleB as OneOrList<Swizzle> | null)];

/** `F.scaled_mm(mat_a, mat_b, scale_a, scale_recipe_a, scale_b, scale_recipe_b, ...)`: a low-precision product with scales. */
export const scaledMm: (...args: [...ScaledArgs, ScaledMmOptions?]) => Tensor = pythonFunction(
  signature('scaled_mm', { ...SCALED, bias: null, outputDtype: 'bfloat16', contractionDim: [], useFastAccum: false }),
  (matA, matB, scaleA, recipeA, scaleB, recipeB, swizzleA, swizzleB, bias, outputDtype, contractionDim, useFastAccum) =>
    aten('_scaled_mm_v2', [matA, matB, ...scaledLists(scaleA, recipeA, swizzleA, scaleB, recipeB, swizzleB), bias, outputDtype, contractionDim, useFastAccum]) as Tensor,
);

/** `F.scaled_grouped_mm(...)`: scaledMm over groups (offs: group ends). */
export const scaledGroupedMm: (...args: [...ScaledArgs, (ScaledMmOptions & { offs?: Tensor | null })?]) => Tensor = pythonFunction(
  signature('scaled_grouped_mm', { ...SCALED, bias: null, offs: null, outputDtype: 'bfloat16', contractionDim: [], useFastAccum: false }),
  (matA, matB, scaleA, recipeA, scaleB, recipeB, swizzleA, swizzleB, bias, offs, outputDtype, contractionDim, useFastAccum) =>
    aten('_scaled_grouped_mm_v2', [matA, matB, ...scaledLists(scaleA, recipeA, swizzleA, scaleB, recipeB, swizzleB), offs, bias, outputDtype, contractionDim, useFastAccum]) as Tensor,
);

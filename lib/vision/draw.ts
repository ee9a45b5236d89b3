// torchvision.utils' drawing functions (torchvision 0.28): drawBoundingBoxes, drawSegmentationMasks
// and drawKeypoints. Colors are parsed as torchvision's _parse_colors parses them (PIL's
// ImageColor.getrgb for strings, _generate_color_palette when none are given). torchvision draws
// boxes and keypoints with PIL's ImageDraw (rectangles, lines, polygons, ellipses); its rasterizers are
// ported pixel for pixel in _pil_draw.ts. Label text is not drawn: it needs PIL's font rasterizer
// (see drawBoundingBoxes).
import * as torch from '../index.js';
import { bind, signature, type PyArgs } from '../nn/functional/_signature.js';
import { describe } from '../options.js';
import { isTensor, type Tensor } from '../tensor.js';
import { warn } from '../warnings.js';
import * as crmath from './_crmath.js';
import * as pil from './_pil_draw.js';
import type { Canvas, Ink } from './_pil_draw.js';
import { pySize } from '../dtype.js';

/** A color: a PIL color string ('red', '#ff0000', '#f00', 'rgb(255, 0, 0)', 'hsl(0, 100%, 50%)', ...) or an [r, g, b] array (0-255). */
export type Color = string | readonly [number, number, number] | readonly [number, number, number, number];
/** One color for all objects, one per object (at least as many as objects), or null for torchvision's palette. */
export type Colors = Color | readonly Color[] | null;

// ---------------------------------------------------------------------------------------------
// Colors: PIL's ImageColor.getrgb and torchvision's _parse_colors

// PIL's ImageColor.colormap (Pillow 12.3): CSS3 names as hex
const COLOR_NAMES =
  'aliceblue:f0f8ff antiquewhite:faebd7 aqua:00ffff aquamarine:7fffd4 azure:f0ffff beige:f5f5dc bisque:ffe4c4 ' +
  'black:000000 blanchedalmond:ffebcd blue:0000ff blueviolet:8a2be2 brown:a52a2a burlywood:deb887 cadetblue:5f9ea0 ' +
  'chartreuse:7fff00 chocolate:d2691e coral:ff7f50 cornflowerblue:6495ed cornsilk:fff8dc crimson:dc143c cyan:00ffff ' +
  'darkblue:00008b darkcyan:008b8b darkgoldenrod:b8860b darkgray:a9a9a9 darkgrey:a9a9a9 darkgreen:006400 ' +
  'darkkhaki:bdb76b darkmagenta:8b008b darkolivegreen:556b2f darkorange:ff8c00 darkorchid:9932cc darkred:8b0000 ' +
  'darksalmon:e9967a darkseagreen:8fbc8f darkslateblue:483d8b darkslategray:2f4f4f darkslategrey:2f4f4f ' +
  'darkturquoise:00ced1 darkviolet:9400d3 deeppink:ff1493 deepskyblue:00bfff dimgray:696969 dimgrey:696969 ' +
  'dodgerblue:1e90ff firebrick:b22222 floralwhite:fffaf0 forestgreen:228b22 fuchsia:ff00ff gainsboro:dcdcdc ' +
  'ghostwhite:f8f8ff gold:ffd700 goldenrod:daa520 gray:808080 grey:808080 green:008000 greenyellow:adff2f ' +
  'honeydew:f0fff0 hotpink:ff69b4 indianred:cd5c5c indigo:4b0082 ivory:fffff0 khaki:f0e68c lavender:e6e6fa ' +
  'lavenderblush:fff0f5 lawngreen:7cfc00 lemonchiffon:fffacd lightblue:add8e6 lightcoral:f08080 lightcyan:e0ffff ' +
  'lightgoldenrodyellow:fafad2 lightgreen:90ee90 lightgray:d3d3d3 lightgrey:d3d3d3 lightpink:ffb6c1 ' +
  'lightsalmon:ffa07a lightseagreen:20b2aa lightskyblue:87cefa lightslategray:778899 lightslategrey:778899 ' +
  'lightsteelblue:b0c4de lightyellow:ffffe0 lime:00ff00 limegreen:32cd32 linen:faf0e6 magenta:ff00ff maroon:800000 ' +
  'mediumaquamarine:66cdaa mediumblue:0000cd mediumorchid:ba55d3 mediumpurple:9370db mediumseagreen:3cb371 ' +
  'mediumslateblue:7b68ee mediumspringgreen:00fa9a mediumturquoise:48d1cc mediumvioletred:c71585 ' +
  'midnightblue:191970 mintcream:f5fffa mistyrose:ffe4e1 moccasin:ffe4b5 navajowhite:ffdead navy:000080 ' +
  'oldlace:fdf5e6 olive:808000 olivedrab:6b8e23 orange:ffa500 orangered:ff4500 orchid:da70d6 palegoldenrod:eee8aa ' +
  'palegreen:98fb98 paleturquoise:afeeee palevioletred:db7093 papayawhip:ffefd5 peachpuff:ffdab9 peru:cd853f ' +
  'pink:ffc0cb plum:dda0dd powderblue:b0e0e6 purple:800080 rebeccapurple:663399 red:ff0000 rosybrown:bc8f8f ' +
  'royalblue:4169e1 saddlebrown:8b4513 salmon:fa8072 sandybrown:f4a460 seagreen:2e8b57 seashell:fff5ee ' +
  'sienna:a0522d silver:c0c0c0 skyblue:87ceeb slateblue:6a5acd slategray:708090 slategrey:708090 snow:fffafa ' +
  'springgreen:00ff7f steelblue:4682b4 tan:d2b48c teal:008080 thistle:d8bfd8 tomato:ff6347 turquoise:40e0d0 ' +
  'violet:ee82ee wheat:f5deb3 white:ffffff whitesmoke:f5f5f5 yellow:ffff00 yellowgreen:9acd32';
const COLORMAP = new Map(COLOR_NAMES.split(' ').map((entry) => entry.split(':') as [string, string]));

/** Python's float % 1.0: the result takes the divisor's sign (colorsys' hue wrap). */
function mod1(x: number): number {
  const m = x % 1.0;
  return m !== 0 ? (m < 0 ? m + 1.0 : m) : 0;
}

/** colorsys.hls_to_rgb (Python 3.11), operation for operation. */
function hlsToRgb(h: number, l: number, s: number): [number, number, number] {
  if (s === 0.0) return [l, l, l];
  const m2 = l <= 0.5 ? l * (1.0 + s) : l + s - l * s;
  const m1 = 2.0 * l - m2;
  const v = (hue: number): number => {
    hue = mod1(hue);
    if (hue < 1.0 / 6.0) return m1 + (m2 - m1) * hue * 6.0;
    if (hue < 0.5) return m2;
    if (hue < 2.0 / 3.0) return m1 + (m2 - m1) * (2.0 / 3.0 - hue) * 6.0;
    return m1;
  };
  return [v(h + 1.0 / 3.0), v(h), v(h - 1.0 / 3.0)];
}

/** colorsys.hsv_to_rgb (Python 3.11), operation for operation. */
function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  if (s === 0.0) return [v, v, v];
  let i = Math.trunc(h * 6.0);
  const f = h * 6.0 - i;
  const p = v * (1.0 - s), q = v * (1.0 - s * f), t = v * (1.0 - s * (1.0 - f));
  i = i % 6;
  return ([[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]] as [number, number, number][])[i]!;
}

// getrgb's patterns; `\n?$` is Python's `$`, which also matches before a final newline
const HEX = /^#([a-f0-9]+)\n?$/;
const RGB = /^rgb\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)\n?$/;
const RGB_PERCENT = /^rgb\(\s*(\d+)%\s*,\s*(\d+)%\s*,\s*(\d+)%\s*\)\n?$/;
const HSL = /^hsl\(\s*(\d+\.?\d*)\s*,\s*(\d+\.?\d*)%\s*,\s*(\d+\.?\d*)%\s*\)\n?$/;
const HSV = /^hs[bv]\(\s*(\d+\.?\d*)\s*,\s*(\d+\.?\d*)%\s*,\s*(\d+\.?\d*)%\s*\)\n?$/;
const RGBA = /^rgba\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)\n?$/;

/** PIL's ImageColor.getrgb: [r, g, b] or [r, g, b, a] of a color string; RangeError for one it does not know. */
export function getrgb(color: string, fn = 'getrgb'): number[] {
  if (color.length > 100) throw new RangeError(`${fn}: color specifier is too long`);
  const c = color.toLowerCase();
  const named = COLORMAP.get(c);
  if (named !== undefined) return [0, 2, 4].map((k) => parseInt(named.slice(k, k + 2), 16));
  const hex = HEX.exec(c)?.[1];
  if (hex !== undefined && (hex.length === 3 || hex.length === 4)) return [...hex].map((d) => parseInt(d + d, 16));
  if (hex !== undefined && (hex.length === 6 || hex.length === 8)) return Array.from({ length: hex.length / 2 }, (_, k) => parseInt(hex.slice(2 * k, 2 * k + 2), 16));
  let m = RGB.exec(c);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  m = RGB_PERCENT.exec(c);
  if (m) return [m[1], m[2], m[3]].map((v) => Math.trunc((Number(v) * 255) / 100.0 + 0.5));
  m = HSL.exec(c);
  if (m) return hlsToRgb(Number(m[1]) / 360.0, Number(m[3]) / 100.0, Number(m[2]) / 100.0).map((v) => Math.trunc(v * 255 + 0.5));
  m = HSV.exec(c);
  if (m) return hsvToRgb(Number(m[1]) / 360.0, Number(m[2]) / 100.0, Number(m[3]) / 100.0).map((v) => Math.trunc(v * 255 + 0.5));
  m = RGBA.exec(c);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
  throw new RangeError(`${fn}: unknown color specifier: '${c}'`);
}

/** torchvision's _generate_color_palette: object i gets (i * [2^25 - 1, 2^15 - 1, 2^21 - 1]) % 255. */
export function generateColorPalette(numObjects: number): [number, number, number][] {
  const palette = [2 ** 25 - 1, 2 ** 15 - 1, 2 ** 21 - 1].map(BigInt);
  return Array.from({ length: numObjects }, (_, i) => palette.map((p) => Number((BigInt(i) * p) % 255n)) as [number, number, number]);
}

/** A parsed color; `palette` marks torchvision's generated ones (tensors in Python, so their float form is float32 division). */
interface ParsedColor { rgb: number[]; palette: boolean }

/** Python's repr of a tuple of numbers. */
function tupleRepr(values: readonly unknown[]): string {
  return `(${values.map(String).join(', ')}${values.length === 1 ? ',' : ''})`;
}

/**
 * torchvision's _parse_colors: null → the palette; a string or an array of numbers (Python's tuple) →
 * that color for every object; an array of colors (Python's list) → one each, at least numObjects.
 */
function parseColors(fn: string, colors: unknown, numObjects: number): ParsedColor[] {
  if (colors === null || colors === undefined) return generateColorPalette(numObjects).map((rgb) => ({ rgb, palette: true }));
  let list: readonly unknown[];
  if (Array.isArray(colors) && colors.length > 0 && colors.every((v) => typeof v === 'number')) {
    if (colors.length !== 3) throw new RangeError(`${fn}: If passed as tuple, colors should be an RGB triplet, but got ${tupleRepr(colors)}.`);
    list = new Array<unknown>(numObjects).fill(colors);
  } else if (Array.isArray(colors)) {
    if (colors.length < numObjects)
      throw new RangeError(`${fn}: Number of colors must be equal or larger than the number of objects, but got ${colors.length} < ${numObjects}.`);
    list = colors;
  } else if (typeof colors === 'string') {
    list = new Array<unknown>(numObjects).fill(colors);
  } else {
    throw new TypeError(`${fn}: colors must be a tuple or a string, or a list thereof, but got ${describe(colors)}.`);
  }
  return list.map((c) => {
    if (typeof c === 'string') return { rgb: getrgb(c, fn), palette: false };
    if (Array.isArray(c) && (c.length === 3 || c.length === 4) && c.every((v) => typeof v === 'number')) return { rgb: [...c] as number[], palette: false };
    throw new TypeError(`${fn}: each color must be a color string or an [r, g, b] array, got ${Array.isArray(c) ? `[${c.map(String).join(', ')}]` : describe(c)}`);
  });
}

/** Whether a color option is given, as Python's truthiness of a string, tuple or list. */
const truthy = (v: unknown): boolean => v !== null && v !== undefined && v !== false && v !== '' && !(Array.isArray(v) && v.length === 0);

function checkImage(fn: string, image: unknown, what: string): asserts image is Tensor {
  if (!isTensor(image)) throw new TypeError(`${fn}: ${what}, got ${describe(image)}`);
  if (!(image.dtype === torch.uint8 || image.isFloatingPoint())) throw new TypeError(`${fn}: The image dtype must be uint8 or float, got ${String(image.dtype)}`);
  if (image.dim() !== 3) throw new RangeError(`${fn}: Pass individual images, not batches`);
}

// ---------------------------------------------------------------------------------------------
// Drawing through PIL

/**
 * torchvision's round trip through PIL: the image (1 or 3 channels; uint8, or float in [0, 1] scaled
 * to uint8 as v2's to_dtype) as an RGB canvas on the CPU, drawn on by `draw`, and back as a new
 * (3, H, W) CPU tensor of the image's dtype.
 */
function drawThroughPil(image: Tensor, draw: (canvas: Canvas) => void): Tensor {
  return torch.noGrad(() => torch.tidy(() => {
    let rgb = image.size(0) === 1 ? image.tile([3, 1, 1]) : image;
    const floating = image.isFloatingPoint();
    if (floating) rgb = rgb.mul(255 + 1.0 - 1e-3).to(torch.uint8); // v2's to_dtype(uint8, scale=True)
    const [height, width] = [image.size(1), image.size(2)];
    // PIL draws on a CPU copy: torchvision's result is a CPU tensor whatever the image's device
    const canvas: Canvas = { px: rgb.permute(1, 2, 0).to('cpu').contiguous().toTypedArray() as Uint8Array, height, width };
    draw(canvas);
    const out = torch.tensor(canvas.px).view(height, width, 3).permute(2, 0, 1).contiguous();
    return floating ? out.to(image.dtype).mul_(1.0 / 255) : out; // v2's to_dtype(float, scale=True)
  }));
}

/** An int64 coordinate as PIL reads a Python int in a flat list (PyPath_Flatten: `(float)` of the long, a C float), then `(int)`. */
const flatCoord = (v: bigint): number => pil.cInt(Math.fround(Number(v)));
/** An int64 coordinate as PIL reads it in an (x, y) tuple (a double), then `(int)`. */
const pairCoord = (v: bigint | number): number => pil.cInt(Number(v));

/** PIL's ink from a color tuple: integer components (PIL refuses others), each clipped to 0..255 (CLIP8). */
function inkOf(fn: string, color: readonly number[], alpha: number | null): Ink {
  if (!color.every((v) => Number.isInteger(v)))
    throw new TypeError(`${fn}: color components must be integers for PIL ('float' object cannot be interpreted as an integer), got ${tupleRepr(color)}`);
  // torchvision appends the fill alpha to the color: a color with its own alpha makes a 5-tuple, which PIL refuses
  if (alpha !== null && color.length === 4)
    throw new TypeError(`${fn}: color must be int, or tuple of one, three or four elements (a color with an alpha channel, ${tupleRepr(color)}, cannot fill: torchvision adds the fill alpha 100 to it)`);
  return { rgb: color.slice(0, 3).map((v) => (v <= 0 ? 0 : v >= 255 ? 255 : v)), alpha };
}

// ---------------------------------------------------------------------------------------------
// draw_bounding_boxes

export interface DrawBoundingBoxesOptions {
  labels?: readonly (string | null)[] | null; colors?: Colors; fill?: boolean; width?: number; font?: string | null; fontSize?: number | null;
  labelColors?: Colors; labelBackgroundColors?: Colors; fillLabels?: boolean;
}
const DRAW_BOXES = signature('drawBoundingBoxes', {
  labels: null, colors: null, fill: false, width: 1, font: null, fontSize: null, labelColors: null, labelBackgroundColors: null, fillLabels: false,
});
/** The alpha torchvision fills boxes with (color + (100,) drawn in RGBA blend mode). */
const FILL_ALPHA = 100;
/** The dashes and gaps of an oriented box's first edge, in pixels (torchvision's dashed_line). */
const DASH_LENGTH = 5, SPACE_LENGTH = 5;
/** The longest dashed edge drawn (2^32 pixels); torchvision would loop on for hours or for ever. */
const MAX_DASHED_EDGE = 2 ** 32;

/**
 * torchvision's _ImageDrawTV.dashed_line for one segment: dashes of 5 pixels every 10 from (x1, y1)
 * towards (x2, y2), each end moved along the angle in doubles and truncated to ints when drawn.
 */
function dashedLine(c: Canvas, [x1, y1, x2, y2]: number[], ink: Ink, width: number): void {
  let segmentLength = Math.sqrt((x2! - x1!) ** 2 + (y2! - y1!) ** 2);
  let dash = true;
  while (segmentLength > 0) {
    const length = Math.min(segmentLength, dash ? DASH_LENGTH : SPACE_LENGTH);
    // the angle is taken again from each dash's start; correctly rounded, as glibc's (CPython's) nearly always are
    const angle = crmath.atan2(y2! - y1!, x2! - x1!);
    const endX = x1! + crmath.cos(angle) * length, endY = y1! + crmath.sin(angle) * length;
    if (dash) pil.segment(c, pairCoord(x1!), pairCoord(y1!), pairCoord(endX), pairCoord(endY), ink, width);
    segmentLength -= length;
    [x1, y1] = [endX, endY];
    dash = !dash;
  }
}

/**
 * torchvision's _ImageDrawTV.oriented_rectangle: the first edge dashed, the other three as lines
 * (none when width is 0), then the polygon filled over them.
 */
function orientedRectangle(c: Canvas, corners: readonly bigint[], outline: Ink, fill: Ink | null, width: number): void {
  const xy = corners.map(Number);
  if (width !== 0) {
    dashedLine(c, xy.slice(0, 4), outline, width);
    for (let i = 2; i < 8; i += 2)
      pil.segment(c, pairCoord(xy[i]!), pairCoord(xy[i + 1]!), pairCoord(xy[(i + 2) % 8]!), pairCoord(xy[(i + 3) % 8]!), outline, width);
  }
  if (fill !== null) pil.fillPolygon(c, corners.map(flatCoord), fill);
}

/**
 * torchvision's draw_bounding_boxes: the image (C, H, W; C = 1 or 3; uint8, or float in [0, 1]) with the
 * `boxes` drawn as PIL draws them. xyxy boxes (N, 4): a `width`-pixel outline inside each box (corners
 * cast to int64, inclusive), and with `fill` the box blended with its color at alpha 100. Oriented
 * boxes (N, 8), four corners (x1, y1, ..., x4, y4): the edge from the first corner to the second
 * dashed, the others solid, `width`-pixel lines centered on the edges, and with `fill` the polygon
 * blended at alpha 100. Colors as in drawSegmentationMasks. Returns a new RGB (3, H, W) CPU image of
 * the input's dtype (a grayscale image comes back as RGB), or the input itself (with a warning) when
 * there are no boxes.
 *
 * Not supported: label text (`labels` other than nulls throw: the text needs PIL's font rasterizer and
 * its default font, which torchnode does not have; `font` is accepted and unused). The dashed edge's
 * ends come from sin, cos and atan2, correctly rounded here: where glibc's are not (rarely), a dash may
 * end one pixel off torchvision's.
 */
export function drawBoundingBoxes(image: Tensor, boxes: Tensor, ...args: PyArgs<[labels: readonly (string | null)[] | null, colors: Colors, fill: boolean, width: number, font: string | null, fontSize: number | null, labelColors: Colors, labelBackgroundColors: Colors, fillLabels: boolean], DrawBoundingBoxesOptions>): Tensor;
export function drawBoundingBoxes(image: Tensor, boxes: Tensor, ...args: unknown[]): Tensor {
  const fn = DRAW_BOXES.fn;
  const [labels, colors, fill, width, font, fontSize, labelColors, labelBackgroundColors, fillLabels] = bind(DRAW_BOXES, args) as
    [unknown, unknown, unknown, unknown, unknown, unknown, unknown, unknown, unknown];
  checkImage(fn, image, 'Tensor expected');
  if (image.size(0) !== 1 && image.size(0) !== 3) throw new RangeError(`${fn}: Only grayscale and RGB images are supported`);
  if (!isTensor(boxes)) throw new TypeError(`${fn}: boxes must be a Tensor, got ${describe(boxes)}`);
  if (boxes.dim() !== 2) throw new RangeError(`${fn}: boxes must be (N, 4) or (N, 8), got shape [${boxes.shape.join(', ')}]`);
  const disordered = (): boolean => torch.tidy(() =>
    boxes.index(':', 0).gt(boxes.index(':', 2)).any().item<boolean>() || boxes.index(':', 1).gt(boxes.index(':', 3)).any().item<boolean>());
  if (boxes.size(1) === 4 && disordered())
    throw new RangeError(`${fn}: Boxes need to be in (xmin, ymin, xmax, ymax) format. Use torchvision.ops.box_convert to convert them`);
  if (typeof fill !== 'boolean') throw new TypeError(`${fn}: fill must be a boolean, got ${describe(fill)}`);
  if (typeof fillLabels !== 'boolean') throw new TypeError(`${fn}: fillLabels must be a boolean, got ${describe(fillLabels)}`);
  if (!Number.isInteger(width)) throw new TypeError(`${fn}: width must be an integer, got ${String(width)}`);
  const numBoxes = boxes.size(0);
  if (numBoxes === 0) {
    warn(`${fn}: boxes doesn't contain any box. No box was drawn`);
    return image;
  }
  if (labels !== null) {
    if (!Array.isArray(labels)) throw new TypeError(`${fn}: labels must be an array of strings (or nulls), got ${describe(labels)}`);
    if (labels.length !== numBoxes) throw new RangeError(`${fn}: Number of boxes (${numBoxes}) and labels (${labels.length}) mismatch. Please specify labels for each box.`);
  }
  const boxColors = parseColors(fn, colors, numBoxes);
  // parsed only for their errors, as torchvision parses them: no label text is drawn
  if (truthy(labelColors) || fillLabels) parseColors(fn, truthy(labelColors) ? labelColors : 'black', numBoxes);
  if (fillLabels && truthy(labelBackgroundColors)) parseColors(fn, labelBackgroundColors, numBoxes);
  if (font === null) {
    if (fontSize !== null) warn(`${fn}: Argument 'font_size' will be ignored since 'font' is not set.`);
  } else if (typeof font !== 'string') {
    throw new TypeError(`${fn}: font must be a font file name, got ${describe(font)}`);
  }
  if (labels !== null && (labels as unknown[]).some((l) => l !== null && l !== undefined))
    throw new Error(`${fn}: drawing label text is not supported: torchvision renders it with PIL's fonts (ImageFont.load_default or a TrueType file), which torchnode does not have; pass labels: null, or nulls for the boxes to leave unlabeled`);
  const cols = boxes.size(1);
  if (cols !== 4 && cols !== 8) throw new RangeError(`${fn}: boxes must be (N, 4) or (N, 8), got shape [${boxes.shape.join(', ')}]`);
  // with fill, torchvision draws in RGBA blend mode: the outline too (alpha 255, the same pixels as
  // setting them, but PIL's polygon filler takes its blend-mode path for wide lines)
  const inks = boxColors.map((c) => {
    const outline = inkOf(fn, c.rgb, null);
    return fill ? { outline: { ...outline, alpha: 255 }, fill: inkOf(fn, c.rgb, FILL_ALPHA) } : { outline, fill: null };
  });
  // torchvision's boxes.to(torch.int64)
  const corners64 = torch.tidy(() => boxes.to(torch.int64).to('cpu').contiguous().toTypedArray() as BigInt64Array);
  return drawThroughPil(image, (canvas) => {
    for (let k = 0; k < numBoxes; k++) {
      const box = Array.from(corners64.subarray(cols * k, cols * (k + 1)));
      const ink = inks[k]!;
      if (cols === 8) {
        // torchvision loops over the dashes: a corner from a NaN or an infinity (int64's minimum) would never end
        const edge = Math.hypot(Number(box[2]! - box[0]!), Number(box[3]! - box[1]!));
        if (width !== 0 && edge > MAX_DASHED_EDGE)
          throw new RangeError(`${fn}: box ${k}: its first edge is ${edge} pixels long, too long to draw dashed (a NaN or infinite corner?)`);
        orientedRectangle(canvas, box, ink.outline, ink.fill, width as number);
        continue;
      }
      // ImageDraw.rectangle: PIL reads the corners as C floats, checks their order, then draws with C ints
      const xy = box.map(flatCoord);
      if (Math.fround(Number(box[2])) < Math.fround(Number(box[0]))) throw new RangeError(`${fn}: box ${k}: x1 must be greater than or equal to x0`);
      if (Math.fround(Number(box[3])) < Math.fround(Number(box[1]))) throw new RangeError(`${fn}: box ${k}: y1 must be greater than or equal to y0`);
      // the fill first, then the outline (width 0: none)
      if (ink.fill !== null) pil.rectangle(canvas, xy, ink.fill, true, width as number);
      if (width !== 0) pil.rectangle(canvas, xy, ink.outline, false, width as number);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// draw_keypoints

export interface DrawKeypointsOptions {
  connectivity?: readonly (readonly [number, number])[] | null; colors?: Color | null; radius?: number; width?: number; visibility?: Tensor | null;
}
const DRAW_KEYPOINTS = signature('drawKeypoints', { connectivity: null, colors: null, radius: 2, width: 3, visibility: null });
/** ImageDraw's default ink for an RGB image (draw_ink(-1)): the connections' color, as torchvision passes none. */
const WHITE: Ink = { rgb: [255, 255, 255], alpha: null };

/** PIL's ink for draw_keypoints' `colors` (ImageDraw._getink): a color string (its alpha dropped) or an (r, g, b[, a]) tuple; null: none. */
function keypointInk(fn: string, colors: unknown): Ink | null {
  if (colors === null) return null;
  if (typeof colors === 'string') return { rgb: getrgb(colors, fn).slice(0, 3), alpha: null };
  if (Array.isArray(colors) && colors.every((v) => typeof v === 'number')) {
    if (colors.length !== 3 && colors.length !== 4) throw new TypeError(`${fn}: color must be int, or tuple of one, three or four elements, got ${tupleRepr(colors)}`);
    return inkOf(fn, colors, null);
  }
  throw new TypeError(`${fn}: colors must be a color string or an [r, g, b] array, got ${describe(colors)}`);
}

/** Python's list[i]: negative indices count from the end; IndexError's message past either end. */
function pyIndex(fn: string, i: unknown, length: number): number {
  if (!Number.isInteger(i)) throw new TypeError(`${fn}: connectivity must hold pairs of integer keypoint indices, got ${describe(i)}`);
  const k = (i as number) < 0 ? (i as number) + length : (i as number);
  if (k < 0 || k >= length) throw new RangeError(`${fn}: connectivity index ${String(i)} for ${length} keypoints: list index out of range`);
  return k;
}

/**
 * torchvision's draw_keypoints: the RGB image (3, H, W; uint8, or float in [0, 1]) with the keypoints
 * (N, K, 2) of N instances drawn as PIL draws them: each visible keypoint (cast to int64) a filled circle
 * of `radius` in `colors` (a PIL color string or an [r, g, b] array; none, by default: torchvision then
 * draws no circles), and each `connectivity` pair [i, j] of one instance whose two keypoints are both
 * visible a white line `width` pixels wide. `visibility` (N, K) (or (N, K, 1); cast to bool) hides
 * keypoints and their connections, by default none. Returns a new (3, H, W) CPU image of the input's dtype.
 */
export function drawKeypoints(image: Tensor, keypoints: Tensor, ...args: PyArgs<[connectivity: readonly (readonly [number, number])[] | null, colors: Color | null, radius: number, width: number, visibility: Tensor | null], DrawKeypointsOptions>): Tensor;
export function drawKeypoints(image: Tensor, keypoints: Tensor, ...args: unknown[]): Tensor {
  const fn = DRAW_KEYPOINTS.fn;
  const [connectivity, colors, radius, width, visibility] = bind(DRAW_KEYPOINTS, args) as [unknown, unknown, unknown, unknown, unknown];
  checkImage(fn, image, 'The image must be a tensor');
  if (image.size(0) !== 3) throw new RangeError(`${fn}: Pass an RGB image. Other Image formats are not supported`);
  if (!isTensor(keypoints)) throw new TypeError(`${fn}: keypoints must be a Tensor, got ${describe(keypoints)}`);
  if (keypoints.dim() !== 3) throw new RangeError(`${fn}: keypoints must be of shape (num_instances, K, 2)`);
  const [numInstances, numKeypoints] = [keypoints.size(0), keypoints.size(1)];
  if (visibility !== null && !isTensor(visibility)) throw new TypeError(`${fn}: visibility must be a Tensor, got ${describe(visibility)}`);
  let visShape = visibility === null ? [numInstances, numKeypoints] : visibility.shape;
  // (N, K, 1), as pred.split([2, 1], dim=-1) gives it, is squeezed ("we're just being nice")
  if (visShape.length === 3 && visShape[2] === 1) visShape = visShape.slice(0, 2);
  if (visShape.length !== 2) throw new RangeError(`${fn}: visibility must be of shape (num_instances, K). Got ndim=${visShape.length}`);
  if (visShape[0] !== numInstances || visShape[1] !== numKeypoints)
    throw new RangeError(`${fn}: keypoints and visibility must have the same dimensionality for num_instances and K. Got visibility.shape=${pySize(visShape)} and keypoints.shape=${pySize(keypoints.shape)}`);
  if (typeof radius !== 'number' || !Number.isFinite(radius)) throw new TypeError(`${fn}: radius must be a number, got ${describe(radius)}`);
  if (connectivity !== null && !(Array.isArray(connectivity) && connectivity.every((c) => Array.isArray(c) && c.length >= 2)))
    throw new TypeError(`${fn}: connectivity must be an array of [i, j] keypoint index pairs, got ${describe(connectivity)}`);
  if (keypoints.size(2) < 2 && numInstances * numKeypoints > 0) throw new RangeError(`${fn}: keypoints must be of shape (num_instances, K, 2), got shape [${keypoints.shape.join(', ')}]`);
  // PIL reads the color at the first circle it draws
  let ink: Ink | null | undefined;
  const dims = keypoints.size(2);
  const coords = torch.tidy(() => keypoints.to(torch.int64).to('cpu').contiguous().toTypedArray() as BigInt64Array);
  const visible = visibility === null ? null : torch.tidy(() => visibility.reshape(numInstances, numKeypoints).to('cpu').to(torch.bool).contiguous().toTypedArray() as Uint8Array);
  const pairs = (connectivity ?? []) as readonly (readonly unknown[])[];
  return drawThroughPil(image, (canvas) => {
    for (let n = 0; n < numInstances; n++) {
      const at = (k: number, d: number): bigint => coords[(n * numKeypoints + k) * dims + d]!;
      const isVisible = (k: number): boolean => visible === null || visible[n * numKeypoints + k] !== 0;
      for (let k = 0; k < numKeypoints; k++) {
        if (!isVisible(k)) continue;
        // ImageDraw.ellipse([x - r, y - r, x + r, y + r], fill=colors): a list, so an int radius gives
        // Python ints, which PIL reads as C floats (a float radius: doubles); then PIL checks the order
        const [x, y] = [at(k, 0), at(k, 1)];
        const corner = (v: bigint, sign: number): number => {
          if (!Number.isInteger(radius)) return Number(v) + sign * (radius as number);
          // beyond a C long, PyLong_AS_LONG gives -1 (a NaN keypoint's int64 minimum minus the radius)
          const w = v + BigInt(sign * (radius as number));
          return Math.fround(BigInt.asIntN(64, w) === w ? Number(w) : -1);
        };
        const [x0, y0, x1, y1] = [corner(x, -1), corner(y, -1), corner(x, 1), corner(y, 1)];
        // outline=None, width=0: only the fill, so without colors PIL draws (and checks) nothing
        ink ??= keypointInk(fn, colors);
        if (ink === null) continue;
        if (x1 < x0) throw new RangeError(`${fn}: x1 must be greater than or equal to x0`);
        if (y1 < y0) throw new RangeError(`${fn}: y1 must be greater than or equal to y0`);
        pil.ellipse(canvas, pil.cInt(x0), pil.cInt(y0), pil.cInt(x1), pil.cInt(y1), ink, true, 0);
      }
      for (const pair of pairs) {
        // Python's short-circuit: the second index is read only when the first keypoint is visible
        const i = pyIndex(fn, pair[0], numKeypoints);
        if (!isVisible(i)) continue;
        const j = pyIndex(fn, pair[1], numKeypoints);
        // ImageDraw.line(..., width): nothing for width 0
        if (!isVisible(j)) continue;
        // PIL reads width as a C int at the first line it draws (none drawn, none checked)
        if (!Number.isInteger(width)) throw new TypeError(`${fn}: width must be an integer, got ${typeof width === 'number' ? String(width) : describe(width)}`);
        if (width === 0) continue;
        pil.segment(canvas, pairCoord(at(i, 0)), pairCoord(at(i, 1)), pairCoord(at(j, 0)), pairCoord(at(j, 1)), WHITE, width as number);
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------
// draw_segmentation_masks

export interface DrawSegmentationMasksOptions { alpha?: number; colors?: Colors }
const DRAW_MASKS = signature('drawSegmentationMasks', { alpha: 0.8, colors: null });

/** A mask color as torchvision's tensor: palette colors divided as int64 tensors (float32), others as Python floats. */
function maskColor(c: ParsedColor, dtype: torch.dtype, device: torch.Device): Tensor {
  if (!dtype.isFloatingPoint) return torch.tensor(c.rgb, { dtype, device });
  if (c.palette) return torch.tensor(c.rgb, { dtype: torch.int64 }).div(255).to(device, dtype);
  return torch.tensor(c.rgb.map((v) => v / 255), { dtype, device });
}

/**
 * torchvision's draw_segmentation_masks: the RGB image (3, H, W; uint8, or float in [0, 1]) blended
 * with the boolean masks ((N, H, W) or (H, W)) painted in their colors: image * (1 - alpha) + painted *
 * alpha, pixels under more than one mask painted black. Colors: one color for all masks or one per mask
 * (a PIL color string or an [r, g, b] array of 0-255 values), by default torchvision's palette. Returns a
 * new image of the input's dtype, or the input itself (with a warning) when there are no masks.
 */
export function drawSegmentationMasks(image: Tensor, masks: Tensor, ...args: PyArgs<[alpha: number, colors: Colors], DrawSegmentationMasksOptions>): Tensor;
export function drawSegmentationMasks(image: Tensor, masks: Tensor, ...args: unknown[]): Tensor {
  const fn = DRAW_MASKS.fn;
  const [alpha, colors] = bind(DRAW_MASKS, args) as [unknown, unknown];
  checkImage(fn, image, 'The image must be a tensor');
  if (image.size(0) !== 3) throw new RangeError(`${fn}: Pass an RGB image. Other Image formats are not supported`);
  if (!isTensor(masks)) throw new TypeError(`${fn}: masks must be a Tensor, got ${describe(masks)}`);
  if (typeof alpha !== 'number') throw new TypeError(`${fn}: alpha must be a number, got ${describe(alpha)}`);
  // checked on the shape, so that the (1, H, W) view of a 2-D mask is made inside the tidy below
  const shape = masks.dim() === 2 ? [1, ...masks.shape] : masks.shape;
  if (shape.length !== 3) throw new RangeError(`${fn}: masks must be of shape (H, W) or (batch_size, H, W)`);
  if (masks.dtype !== torch.bool) throw new TypeError(`${fn}: The masks must be of dtype bool. Got ${String(masks.dtype)}`);
  if (shape[1] !== image.size(1) || shape[2] !== image.size(2)) throw new RangeError(`${fn}: The image and the masks must have the same height and width`);
  const numMasks = shape[0]!;
  if (numMasks === 0) {
    warn(`${fn}: masks doesn't contain any mask. No mask was drawn`);
    return image;
  }
  const parsed = parseColors(fn, colors, numMasks);
  return torch.noGrad(() => torch.tidy(() => {
    const m = masks.dim() === 2 ? masks.unsqueeze(0) : masks;
    const overlapping = m.sum(0).gt(1);
    const dtype = image.dtype;
    const colorTensors = parsed.map((c) => maskColor(c, dtype, image.device));
    const painted = image.detach().clone();
    for (let k = 0; k < numMasks; k++) painted.indexPut_([':', m.select(0, k)], colorTensors[k]!.index(':', null));
    painted.indexPut_([':', overlapping], 0);
    // Python's uint8 * float scalar is in the default float dtype: cast first (the same products)
    const asFloat = (t: Tensor): Tensor => (t.isFloatingPoint() ? t : t.to(torch.getDefaultDtype()));
    return asFloat(image).mul(1 - alpha).add(asFloat(painted).mul(alpha)).to(dtype);
  }));
}

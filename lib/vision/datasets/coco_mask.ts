// pycocotools.mask as torchvision's COCO wrapper uses it (frPyObjects, merge, decode), ported from
// cocoapi's common/maskApi.c: column-major run-length encodings (RLE), polygons rasterized as
// rleFrPoly does (5x upsampled boundary, y-crossings), compressed counts as rleFrString reads them.

/** An RLE: [height, width] and alternating run lengths (zeros first) in column-major order. */
export interface Rle { h: number; w: number; counts: number[] }

/** C's (int) cast of a double on x86-64: truncation toward zero; NaN gives INT_MIN (cvttsd2si). */
const toInt = (x: number): number => (Number.isNaN(x) ? -2147483648 : Math.trunc(x));
const UINT = 2 ** 32;
/** C's (uint) cast of an integer value. */
const toUint = (x: number): number => ((x % UINT) + UINT) % UINT;

/** rleFrPoly: a polygon [x0, y0, x1, y1, ...] (k points) rasterized on an h x w canvas. */
export function rleFrPoly(xy: readonly number[], h: number, w: number): Rle {
  const k = Math.floor(xy.length / 2);
  const scale = 5;
  const x: number[] = [], y: number[] = [];
  for (let j = 0; j < k; j++) { x.push(toInt(scale * xy[2 * j]! + 0.5)); y.push(toInt(scale * xy[2 * j + 1]! + 0.5)); }
  x.push(x[0]!); y.push(y[0]!);
  // Dense integer points along every edge (upsampled boundary).
  const u: number[] = [], v: number[] = [];
  for (let j = 0; j < k; j++) {
    let xs = x[j]!, xe = x[j + 1]!, ys = y[j]!, ye = y[j + 1]!;
    const dx = Math.abs(xe - xs), dy = Math.abs(ys - ye);
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) { [xs, xe] = [xe, xs]; [ys, ye] = [ye, ys]; }
    const s = dx >= dy ? (ye - ys) / dx : (xe - xs) / dy;
    if (dx >= dy) {
      for (let d = 0; d <= dx; d++) { const t = flip ? dx - d : d; u.push(t + xs); v.push(toInt(ys + s * t + 0.5)); }
    } else {
      for (let d = 0; d <= dy; d++) { const t = flip ? dy - d : d; v.push(t + ys); u.push(toInt(xs + s * t + 0.5)); }
    }
  }
  // The boundary's crossings of pixel columns, downsampled: column-major positions x * h + y.
  const starts: number[] = [];
  for (let j = 1; j < u.length; j++) {
    if (u[j] === u[j - 1]) continue;
    const xd = ((u[j]! < u[j - 1]! ? u[j]! : u[j]! - 1) + 0.5) / scale - 0.5;
    if (Math.floor(xd) !== xd || xd < 0 || xd > w - 1) continue;
    let yd = ((v[j]! < v[j - 1]! ? v[j]! : v[j - 1]!) + 0.5) / scale - 0.5;
    yd = Math.ceil(yd < 0 ? 0 : yd > h ? h : yd);
    starts.push(toUint(xd * h + yd));
  }
  starts.push(toUint(h * w));
  return { h, w, counts: crossingsToCounts(starts) };
}

/** rleFrPoly's last step: sorted crossing positions as run lengths, empty runs folded into the next. */
function crossingsToCounts(positions: number[]): number[] {
  const a = [...positions].sort((p, q) => p - q);
  let previous = 0;
  for (let j = 0; j < a.length; j++) { const t = a[j]!; a[j] = t - previous; previous = t; }
  const counts = [a[0]!];
  for (let j = 1; j < a.length;) {
    if (a[j]! > 0) counts.push(a[j++]!);
    else if (++j < a.length) counts[counts.length - 1] += a[j++]!;
  }
  return counts;
}

/** rleFrBbox: the box [x, y, w, h] as a four-point polygon. */
export function rleFrBbox(bb: readonly number[], h: number, w: number): Rle {
  const [xs, ys] = [bb[0]!, bb[1]!], xe = xs + bb[2]!, ye = ys + bb[3]!;
  return rleFrPoly([xs, ys, xs, ye, xe, ye, xe, ys], h, w);
}

/** rleFrString: COCO's compressed counts (6 bits a character from '0', the sign in bit 5, deltas after the second run). */
export function rleFrString(s: string, h: number, w: number): Rle {
  const counts: number[] = [];
  for (let p = 0; p < s.length;) {
    let x = 0, k = 0, more = true;
    while (more) {
      const c = ((s.charCodeAt(p) - 48) << 24) >> 24;  // C's char: signed 8 bits
      x += (c & 0x1f) * 2 ** (5 * k);
      more = (c & 0x20) !== 0; p++; k++;
      if (!more && (c & 0x10) !== 0) x -= 2 ** (5 * k);
    }
    if (counts.length > 2) x += counts[counts.length - 2]!;
    counts.push(toUint(x));
  }
  return { h, w, counts };
}

/** rleMerge: the union (or intersection) of same-sized RLEs; sizes that differ give an empty 0 x 0 RLE. */
export function rleMerge(rles: readonly Rle[], intersect = false): Rle {
  if (rles.length === 0) return { h: 0, w: 0, counts: [] };
  const { h, w } = rles[0]!;
  let merged = [...rles[0]!.counts];
  for (const b of rles.slice(1)) {
    if (b.h !== h || b.w !== w) return { h: 0, w: 0, counts: [] };
    merged = mergeCounts(merged, b.counts, intersect);
  }
  return { h, w, counts: merged };
}

/** One step of rleMerge: walks both run lists, a new run wherever the combined value changes. */
function mergeCounts(a: readonly number[], b: readonly number[], intersect: boolean): number[] {
  const out: number[] = [];
  let ca = a[0] ?? 0, cb = b[0] ?? 0, ia = 1, ib = 1, va = false, vb = false, v = false, cc = 0, ct = 1;
  while (ct > 0) {
    const c = Math.min(ca, cb);
    cc += c; ct = 0;
    ca -= c; if (ca === 0 && ia < a.length) { ca = a[ia++]!; va = !va; } ct += ca;
    cb -= c; if (cb === 0 && ib < b.length) { cb = b[ib++]!; vb = !vb; } ct += cb;
    const vp: boolean = v;
    v = intersect ? va && vb : va || vb;
    if (v !== vp || ct === 0) { out.push(cc); cc = 0; }
  }
  return out;
}

/** rleDecode: the [h, w] mask (row-major here; the runs are column-major), 0 or 1 per pixel. */
export function rleDecode(rle: Rle): Uint8Array {
  const { h, w } = rle;
  const out = new Uint8Array(h * w);
  let at = 0, value = 0;
  for (const run of rle.counts) {
    for (let k = 0; k < run && at < h * w; k++, at++) if (value) out[(at % h) * w + Math.floor(at / h)] = 1;
    value ^= 1;
  }
  return out;
}

/** A COCO segmentation as an RLE on an h x w canvas, as torchvision's segmentation_to_mask reads it. */
export function segmentationToRle(segmentation: unknown, h: number, w: number): Rle {
  if (isRleObject(segmentation)) {
    const [rh, rw] = segmentation.size as [number, number];
    if (typeof segmentation.counts === 'string') return rleFrString(segmentation.counts, rh, rw);
    return { h: rh, w: rw, counts: (segmentation.counts as number[]).map(toUint) };
  }
  if (Array.isArray(segmentation)) return rleMerge(frPolygons(segmentation, h, w));
  throw new TypeError(`COCO segmentation expected to be a dict or a list, got ${segmentation === null ? 'None' : typeof segmentation}`);
}

function isRleObject(s: unknown): s is { counts: unknown; size: unknown } {
  return typeof s === 'object' && s !== null && !Array.isArray(s);
}

/** frPyObjects of a list: polygons (more than 4 numbers each), boxes (4 numbers each), or uncompressed RLEs. */
function frPolygons(objs: unknown[], h: number, w: number): Rle[] {
  const first = objs[0];
  if (Array.isArray(first) && first.length === 4) return (objs as number[][]).map((bb) => rleFrBbox(bb, h, w));
  if (Array.isArray(first) && first.length > 4) return (objs as number[][]).map((poly) => rleFrPoly(poly, h, w));
  if (isRleObject(first) && 'counts' in first && 'size' in first) return objs.map((o) => segmentationToRle(o, h, w));
  throw new Error('input type is not supported.');
}

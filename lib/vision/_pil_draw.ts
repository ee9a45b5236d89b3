// PIL's rasterizers (Pillow 12.3, libImaging/Draw.c) on an RGB pixel buffer, ported for
// torchvision.utils' drawing functions: points, horizontal spans, Bresenham lines, rectangles, wide
// lines, filled polygons and ellipses. Integer steps follow C's 32-bit ints (`| 0`: they wrap as the
// compiled code does) and the polygon filler's coordinates C's 32-bit floats (Math.fround after every
// float operation), so that every pixel comes out as PIL draws it.

/** An RGB image, row-major with interleaved channels (PIL's RGB image as torchvision hands it over). */
export interface Canvas { readonly px: Uint8Array; readonly height: number; readonly width: number }
/**
 * An ink: the color and, when PIL draws in RGBA blend mode (ImageDraw.Draw(im, 'RGBA') on an RGB
 * image), the alpha it blends with; null: the pixels are set.
 */
export interface Ink { readonly rgb: readonly number[]; readonly alpha: number | null }

const INT_MIN = -(2 ** 31), INT_MAX = 2 ** 31 - 1;

/** C's (int) cast of a double on x86-64: truncation, and INT_MIN (cvttsd2si's "indefinite") out of range or NaN. */
export function cInt(v: number): number {
  const t = Math.trunc(v);
  return t >= INT_MIN && t <= INT_MAX ? t : INT_MIN;
}

/** PIL's BLEND(mask, in1, in2): DIV255(in1 * (255 - mask) + in2 * mask) with DIV255's shift trick. */
function blend(alpha: number, out: number, ink: number): number {
  const tmp = out * (255 - alpha) + ink * alpha + 128;
  return ((tmp >> 8) + tmp) >> 8;
}

function paint(c: Canvas, offset: number, ink: Ink): void {
  for (let k = 0; k < 3; k++) c.px[offset + k] = ink.alpha === null ? ink.rgb[k]! : blend(ink.alpha, c.px[offset + k]!, ink.rgb[k]!);
}

/** point32/point32rgba: one pixel, if inside the image. */
export function point(c: Canvas, x: number, y: number, ink: Ink): void {
  if (x >= 0 && x < c.width && y >= 0 && y < c.height) paint(c, (y * c.width + x) * 3, ink);
}

/** hline32/hline32rgba: pixels x0..x1 (inclusive) of row y, clipped to the image. */
export function hline(c: Canvas, x0: number, y: number, x1: number, ink: Ink): void {
  if (y < 0 || y >= c.height) return;
  if (x0 < 0) x0 = 0;
  else if (x0 >= c.width) return;
  if (x1 < 0) return;
  else if (x1 >= c.width) x1 = c.width - 1;
  for (let x = x0; x <= x1; x++) paint(c, (y * c.width + x) * 3, ink);
}

/**
 * line32/line32rgba: Bresenham's line from (x0, y0) towards (x1, y1), the end point itself excluded.
 * Draw.c spells out four branches (vertical, horizontal, and either slope); they are one walk along
 * the major axis (y when |dx| = |dy|), the doubled error term deciding each step on the minor one.
 */
export function line(c: Canvas, x0: number, y0: number, x1: number, y1: number, ink: Ink): void {
  let dx = (x1 - x0) | 0, dy = (y1 - y0) | 0;
  const xs = dx < 0 ? -1 : 1, ys = dy < 0 ? -1 : 1;
  if (dx < 0) dx = -dx | 0;
  if (dy < 0) dy = -dy | 0;
  const xMajor = dx > dy;
  const [major, minor] = xMajor ? [dx, dy] : [dy, dx];
  const major2 = (major + major) | 0, minor2 = (minor + minor) | 0;
  let e = (minor2 - major) | 0;
  for (let i = 0; i < major; i++) {
    point(c, x0, y0, ink);
    if (e >= 0) {
      if (xMajor) y0 += ys;
      else x0 += xs;
      e = (e - major2) | 0;
    }
    e = (e + minor2) | 0;
    if (xMajor) x0 += xs;
    else y0 += ys;
  }
}

/** ImagingDrawRectangle: filled (every row y0..y1) or a `width`-pixel outline drawn inward from the corners. */
export function rectangle(c: Canvas, [x0, y0, x1, y1]: readonly number[], ink: Ink, fill: boolean, width: number): void {
  if (y0! > y1!) [y0, y1] = [y1, y0];
  if (fill) {
    if (y0! < 0) y0 = 0;
    else if (y0! >= c.height) return;
    if (y1! < 0) return;
    else if (y1! > c.height) y1 = c.height;
    for (let y = y0!; y <= y1!; y++) hline(c, x0!, y, x1!, ink);
    return;
  }
  if (width === 0) width = 1;
  for (let i = 0; i < width; i++) {
    hline(c, x0!, y0! + i, x1!, ink);
    hline(c, x0!, y1! - i, x1!, ink);
    line(c, x1! - i, y0! + width, x1! - i, y1! - width + 1, ink);
    line(c, x0! + i, y0! + width, x0! + i, y1! - width + 1, ink);
  }
}

// ---------------------------------------------------------------------------------------------
// Polygons: Draw.c's scan-line filler (polygon_generic) over its edge list

/** Draw.c's Edge: integer end points and bounds, the slope dx/dy as a C float. */
interface Edge { x0: number; y0: number; xmin: number; ymin: number; xmax: number; ymax: number; dx: number }

const f32 = Math.fround;

/** add_edge: the edge (x0, y0)-(x1, y1); a horizontal one has slope 0. */
function edge(x0: number, y0: number, x1: number, y1: number): Edge {
  // ((float)(x1 - x0)) / (y1 - y0): a float division (innocuous when rounded from the double quotient)
  const dx = y0 === y1 ? 0 : f32(f32((x1 - x0) | 0) / f32((y1 - y0) | 0));
  return { x0, y0, xmin: Math.min(x0, x1), xmax: Math.max(x0, x1), ymin: Math.min(y0, y1), ymax: Math.max(y0, y1), dx };
}

/** An edge's x on row y: (y - y0) * dx + x0 in C float arithmetic. */
const edgeX = (e: Edge, y: number): number => f32(f32(f32((y - e.y0) | 0) * e.dx) + f32(e.x0));

/** C's roundf: half away from zero. */
const roundf = (v: number): number => (v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5));
/** ROUND_UP of a float: `f + 0.5F` is a float sum, `fabs(f) + 0.5F` a double one. */
const roundUpF = (f: number): number => cInt(f >= 0 ? Math.floor(f32(f + 0.5)) : -Math.floor(Math.abs(f) + 0.5));
/** ROUND_DOWN of a float, likewise. */
const roundDownF = (f: number): number => cInt(f >= 0 ? Math.ceil(f32(f - 0.5)) : -Math.ceil(Math.abs(f) - 0.5));
/** ROUND_UP / ROUND_DOWN of a double. */
const roundUpD = (f: number): number => cInt(f >= 0 ? Math.floor(f + 0.5) : -Math.floor(Math.abs(f) + 0.5));
const roundDownD = (f: number): number => cInt(f >= 0 ? Math.ceil(f - 0.5) : -Math.ceil(Math.abs(f) - 0.5));

/**
 * draw_horizontal_lines (blend mode only): the horizontal edges on row y, each from the running
 * position xPos on, so that no pixel is blended twice; returns the new position.
 */
function horizontalEdges(c: Canvas, edges: readonly Edge[], ink: Ink, xPos: number, y: number): number {
  for (const e of edges) {
    if (e.ymin !== y || e.ymin !== e.ymax) continue;
    let xmin = e.xmin;
    if (xPos !== -1 && xPos < xmin) continue;
    const xmax = e.xmax;
    if (xPos > xmin) {
      xmin = xPos;
      if (xmax < xmin) continue;
    }
    hline(c, xmin, e.ymin, xmax, ink);
    xPos = xmax + 1;
  }
  return xPos;
}

/**
 * polygon_generic: fills the polygon of `edges` row by row, between pairs of the sorted edge
 * crossings. In blend mode (an ink with alpha) the spans and horizontal edges never overlap, so each
 * pixel is blended once; otherwise horizontal edges are drawn up front and spans may overlap.
 */
function fillEdges(c: Canvas, edges: readonly Edge[], ink: Ink): void {
  if (edges.length === 0) return;
  const blendMode = ink.alpha !== null;
  let ymin = c.height - 1, ymax = 0;
  const table: Edge[] = [];
  for (const e of edges) {
    if (ymin > e.ymin) ymin = e.ymin;
    if (ymax < e.ymax) ymax = e.ymax;
    if (e.ymin === e.ymax) {
      if (!blendMode) hline(c, e.xmin, e.ymin, e.xmax, ink);
      continue;
    }
    table.push(e);
  }
  if (ymin < 0) ymin = 0;
  if (ymax > c.height) ymax = c.height;
  const xx: number[] = [];
  for (let y = ymin; y <= ymax; y++) {
    xx.length = 0;
    for (let i = 0; i < table.length; i++) {
      const cur = table[i]!;
      if (y < cur.ymin || y > cur.ymax) continue;
      xx.push(edgeX(cur, y));
      if (y === cur.ymax && y < ymax) {
        xx.push(xx[xx.length - 1]!); // "needed to draw consistent polygons"
      } else if ((y === cur.ymin || y === cur.ymax) && cur.dx !== 0) {
        connectCorner(xx, table, i, y);
      }
    }
    xx.sort((a, b) => a - b);
    if (blendMode) {
      let xPos = xx.length === 0 ? -1 : 0;
      for (let i = 1; i < xx.length; i += 2) {
        const xEnd = roundDownF(xx[i]!);
        if (xEnd < xPos) continue;
        xPos = horizontalEdges(c, edges, ink, xPos, y);
        if (xEnd < xPos) continue;
        let xStart = roundUpF(xx[i - 1]!);
        if (xPos > xStart) {
          xStart = xPos;
          if (xEnd < xStart) continue;
        }
        hline(c, xStart, y, xEnd, ink);
        xPos = xEnd + 1;
      }
      horizontalEdges(c, edges, ink, xPos, y);
    } else {
      for (let i = 1; i < xx.length; i += 2) hline(c, roundUpF(xx[i - 1]!), y, roundDownF(xx[i]!), ink);
    }
  }
}

/**
 * polygon_generic's "connect discontiguous corners": where the crossing just added meets an earlier
 * sloped edge at a corner on row y, it moves past both edges' crossings on the neighbouring row.
 */
function connectCorner(xx: number[], table: readonly Edge[], i: number, y: number): void {
  const cur = table[i]!;
  const last = xx.length - 1;
  for (let k = 0; k < i; k++) {
    const other = table[k]!;
    if ((y !== other.ymin && y !== other.ymax) || other.dx === 0) continue;
    if (roundf(xx[last]!) !== roundf(edgeX(other, y))) continue;
    const offset = y === cur.ymax ? -1 : 1;
    const adjacent = edgeX(cur, y + offset);
    if (y + offset < other.ymin || y + offset > other.ymax) continue;
    const adjacentOther = edgeX(other, y + offset);
    if (xx[last]! > f32(adjacent + 1) && xx[last]! > f32(adjacentOther + 1)) {
      xx[last] = f32(roundf(Math.max(adjacent, adjacentOther)) + 1);
    } else if (xx[last]! < f32(adjacent - 1) && xx[last]! < f32(adjacentOther - 1)) {
      xx[last] = f32(roundf(Math.min(adjacent, adjacentOther)) - 1);
    }
    break;
  }
}

/** ImagingDrawPolygon's fill: the closed polygon through the integer points xy (x0, y0, x1, y1, ...). */
export function fillPolygon(c: Canvas, xy: readonly number[], ink: Ink): void {
  const count = xy.length >> 1;
  if (count <= 0) return;
  const edges: Edge[] = [];
  let i = 0;
  for (; i < count - 1; i++) {
    const [x0, y0, x1, y1] = [xy[2 * i]!, xy[2 * i + 1]!, xy[2 * i + 2]!, xy[2 * i + 3]!];
    // a horizontal edge continuing the previous horizontal one in the same direction extends it
    if (y0 === y1 && i !== 0 && y0 === xy[2 * i - 1]) {
      const lastEdge = edges[edges.length - 1]!;
      if (x1 > x0 && x0 > xy[2 * i - 2]!) {
        lastEdge.xmax = x1;
        continue;
      } else if (x1 < x0 && x0 < xy[2 * i - 2]!) {
        lastEdge.xmin = x1;
        continue;
      }
    }
    edges.push(edge(x0, y0, x1, y1));
  }
  if (xy[2 * i] !== xy[0] || xy[2 * i + 1] !== xy[1]) edges.push(edge(xy[2 * i]!, xy[2 * i + 1]!, xy[0]!, xy[1]!));
  fillEdges(c, edges, ink);
}

/**
 * ImagingDrawWideLine: a `width`-pixel line as the filled quadrilateral around the segment, its
 * half-widths rounded up on one side and down on the other (a lone point when the ends coincide).
 */
export function wideLine(c: Canvas, x0: number, y0: number, x1: number, y1: number, ink: Ink, width: number): void {
  const dx = (x1 - x0) | 0, dy = (y1 - y0) | 0;
  if (dx === 0 && dy === 0) {
    point(c, x0, y0, ink);
    return;
  }
  // hypot of two ints: their squares' sum is exact in a double, so its sqrt is the correctly rounded hypot
  const big = Math.sqrt(dx * dx + dy * dy);
  const small = (width - 1) / 2.0;
  const ratioMax = roundUpD(small) / big, ratioMin = roundDownD(small) / big;
  const dxmin = roundDownD(ratioMin * dy), dxmax = roundDownD(ratioMax * dy);
  const dymin = roundDownD(ratioMin * dx), dymax = roundDownD(ratioMax * dx);
  const v = [
    [(x0 - dxmin) | 0, (y0 + dymax) | 0], [(x1 - dxmin) | 0, (y1 + dymax) | 0],
    [(x1 + dxmax) | 0, (y1 - dymin) | 0], [(x0 + dxmax) | 0, (y0 - dymin) | 0],
  ] as const;
  fillEdges(c, v.map((p, k) => edge(p[0], p[1], v[(k + 1) % 4]![0], v[(k + 1) % 4]![1])), ink);
}

/**
 * _draw_lines for one segment: width 1 is Bresenham's line plus its end point, any other width
 * (PIL skips 0 before) a wide line.
 */
export function segment(c: Canvas, x0: number, y0: number, x1: number, y1: number, ink: Ink, width: number): void {
  if (width === 1) {
    line(c, x0, y0, x1, y1, ink);
    point(c, x1, y1, ink);
  } else {
    wideLine(c, x0, y0, x1, y1, ink, width);
  }
}

// ---------------------------------------------------------------------------------------------
// Ellipses: Pillow's ellipse_new (quarter_* and ellipse_* iterators)

/** The deviation |a²y² + b²x² - a²b²| of a point from the ellipse, in C's int64 (BigInt past doubles' exact range). */
function makeDelta(a: number, b: number): (x: number, y: number) => number | bigint {
  const a2 = a * a, b2 = b * b;
  if (a < 2 ** 12 && b < 2 ** 12) return (x, y) => Math.abs(a2 * y * y + b2 * x * x - a2 * b2);
  const A2 = BigInt(a2), B2 = BigInt(b2), A2B2 = BigInt.asIntN(64, A2 * B2);
  return (x, y) => {
    const d = BigInt.asIntN(64, BigInt.asIntN(64, A2 * BigInt(y) * BigInt(y)) + BigInt.asIntN(64, B2 * BigInt(x) * BigInt(x)) - A2B2);
    return d < 0n ? -d : d;
  };
}

/**
 * quarter_*: the top right quarter of the ellipse with semi-axes a, b (in half pixels: points on the
 * grid of step 2 through (a, b)), from (a, b % 2) up to (a % 2, b), as Bresenham steps.
 */
class Quarter {
  private cx = 0; private cy = 0; private readonly ex: number; private readonly ey: number;
  private finished: boolean;
  private readonly delta: (x: number, y: number) => number | bigint;
  constructor(a: number, b: number) {
    this.finished = a < 0 || b < 0;
    this.cx = a; this.cy = b % 2; this.ex = a % 2; this.ey = b;
    this.delta = this.finished ? () => 0 : makeDelta(a, b);
  }
  /** The next point, or null after the last. */
  next(): [number, number] | null {
    if (this.finished) return null;
    const ret: [number, number] = [this.cx, this.cy];
    if (this.cx === this.ex && this.cy === this.ey) {
      this.finished = true;
    } else {
      // of the three neighbours up, up-left and left, the one nearest the curve
      let nx = this.cx, ny = this.cy + 2;
      let nd = this.delta(nx, ny);
      if (nx > 1) {
        let d = this.delta(this.cx - 2, this.cy + 2);
        if (nd > d) [nx, ny, nd] = [this.cx - 2, this.cy + 2, d];
        d = this.delta(this.cx - 2, this.cy);
        if (nd > d) [nx, ny] = [this.cx - 2, this.cy];
      }
      this.cx = nx; this.cy = ny;
    }
    return ret;
  }
}

/**
 * ellipse_*: the horizontal spans [x0, x1] of row y (half-pixel grid, centered on 0) of the ellipse
 * ring between the outer quarter and the inner one 2(w - 1) smaller, all four quarters.
 */
function ellipseSpans(a: number, b: number, w: number, emit: (x0: number, y: number, x1: number) => void): void {
  const leftmost = a % 2;
  const outer = new Quarter(a, b);
  const first = w < 1 ? null : outer.next();
  if (first === null) return;
  const inner = new Quarter((a - 2 * (w - 1)) | 0, (b - 2 * (w - 1)) | 0);
  let [pr, py] = first;
  let pl = leftmost;
  for (let finished = false; !finished;) {
    const y = py, r = pr;
    let l = pl;
    let p: [number, number] | null;
    while ((p = outer.next()) !== null && p[1] <= y);
    if (p === null) finished = true;
    else [pr, py] = p;
    while ((p = inner.next()) !== null && p[1] <= y) l = p[0];
    pl = p === null ? leftmost : p[0];
    // C buffers the four spans and hands them out last first
    const spans: [number, number, number][] = [];
    if ((l > 0 || l < r) && y > 0) spans.push([l === 0 ? 2 : l, y, r]);
    if (y > 0) spans.push([-r, y, -l]);
    if (l > 0 || l < r) spans.push([l === 0 ? 2 : l, -y, r]);
    spans.push([-r, -y, -l]);
    for (let k = spans.length - 1; k >= 0; k--) emit(...spans[k]!);
  }
}

/**
 * ellipseNew (ImagingDrawEllipse): the ellipse inscribed in the integer box (x0, y0)-(x1, y1),
 * filled or as a `width`-pixel ring.
 */
export function ellipse(c: Canvas, x0: number, y0: number, x1: number, y1: number, ink: Ink, fill: boolean, width: number): void {
  const a = (x1 - x0) | 0, b = (y1 - y0) | 0;
  if (a < 0 || b < 0) return;
  if (fill) width = (a + b) | 0;
  ellipseSpans(a, b, width, (X0, Y, X1) =>
    hline(c, (x0 + Math.trunc((X0 + a) / 2)) | 0, (y0 + Math.trunc((Y + b) / 2)) | 0, (x0 + Math.trunc((X1 + a) / 2)) | 0, ink));
}

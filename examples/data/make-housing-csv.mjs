// Writes examples/data/housing.csv: 600 made-up houses whose price follows a fixed, slightly
// non-linear rule plus noise, so the regression example has a known, learnable target.
// Deterministic (its own seeded PRNG): `node examples/data/make-housing-csv.mjs` rewrites the same file.
import { writeFileSync } from 'node:fs';

// mulberry32: a small seeded PRNG, so the file does not depend on Math.random.
function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(20240601);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const CLASSES = ['A', 'B', 'C', 'D', 'E'];

const rows = ['area_m2,rooms,age_years,distance_km,garden,energy_class,price_k'];
for (let i = 0; i < 600; i++) {
  const area = Math.round(35 + rand() * 165);
  const rooms = Math.max(1, Math.min(8, Math.round(area / 28 + gauss() * 0.8)));
  const age = Math.round(rand() * 90);
  const distance = +(0.5 + rand() * 29.5).toFixed(1);
  const garden = rand() < 0.4 ? 1 : 0;
  const energy = Math.min(4, Math.floor((age / 90) * 3 + rand() * 2.2));
  const price =
    40 + area * 3.1 * Math.exp(-distance / 25) + rooms * 6 + garden * 18 - 0.35 * age + 0.004 * (age - 45) ** 2 -
    9 * energy + gauss() * 12;
  rows.push([area, rooms, age, distance, garden, CLASSES[energy], price.toFixed(1)].join(','));
}
writeFileSync(new URL('./housing.csv', import.meta.url), rows.join('\n') + '\n');

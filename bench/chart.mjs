// The benchmark's ratios as a picture: one line per workload row, a tick per round (how much this
// machine's noise moves them) and a dot at the median (the table's figure), on a log axis around 1.
const TICKS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 1, 1.05, 1.1, 1.2, 1.3, 1.5, 2, 3, 5, 10, 20];
const PAIRS = [
  ['node_cpp', 'Node/C++'],
  ['node_python', 'Node/Python'],
  ['python_cpp', 'Python/C++'],
];

// rows: run.mjs's summary rows; label(row) names a row on the chart.
export function ratioChartSpec(rows, label, { title = 'torchnode bench: time ratios', subtitle = '' } = {}) {
  const values = [];
  for (const row of rows) {
    for (const [key, pair] of PAIRS) {
      const rounds = row.round_ratios?.[key] ?? [];
      for (const ratio of rounds) values.push({ row: label(row), pair, ratio, kind: 'round' });
      if (row.ratios[key] !== null) values.push({ row: label(row), pair, ratio: row.ratios[key], kind: 'median' });
    }
  }
  const order = [...new Set(rows.map(label))];
  // The axis spans the data (and 1) with a margin, not log scale's whole decades.
  const all = values.map((v) => v.ratio).concat(1);
  const domain = [Math.min(...all) / 1.05, Math.max(...all) * 1.05];
  const ticks = TICKS.filter((t) => t >= domain[0] && t <= domain[1]);
  const y = { field: 'row', type: 'nominal', title: null, sort: order, axis: { labelLimit: 440 } };
  const x = {
    field: 'ratio',
    type: 'quantitative',
    scale: { type: 'log', domain, nice: false },
    axis: { values: ticks, format: '.2~f' },
    title: 'time ratio (below 1: the first is faster)',
  };
  const color = { field: 'pair', type: 'nominal', title: null, sort: PAIRS.map(([, p]) => p), legend: { orient: 'top' } };
  const yOffset = { field: 'pair', sort: PAIRS.map(([, p]) => p) };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: subtitle || undefined },
    width: 520,
    height: { step: 11 }, // per pair: yOffset splits each row into its three ratios
    background: 'white',
    layer: [
      { data: { values: [{ ratio: 1 }] }, mark: { type: 'rule', color: '#888', strokeDash: [4, 3] }, encoding: { x: { field: 'ratio', type: 'quantitative' } } },
      {
        data: { values },
        transform: [{ filter: "datum.kind === 'round'" }],
        mark: { type: 'tick', orient: 'vertical', opacity: 0.55, thickness: 1.5, size: 7 },
        encoding: { x, y, yOffset, color },
      },
      {
        data: { values },
        transform: [{ filter: "datum.kind === 'median'" }],
        mark: { type: 'point', filled: true, size: 45, opacity: 1 },
        encoding: { x, y, yOffset, color, tooltip: [{ field: 'pair' }, { field: 'ratio', format: '.3f' }] },
      },
    ],
    config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif', axis: { labelFontSize: 11, titleFontSize: 12 } },
  };
}

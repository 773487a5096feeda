import { escapeHtml, formatNumber } from './catalog-text.ts';
import type { Row } from './rows.ts';

/**
 * The catalog's charts: inline SVG drawn on the server, so the page needs no script and no network. Each chart
 * has a <title> and a <desc> that states the data in words, axis titles, and labelled points.
 */

/** The drawing area inside a chart: outer size and margins (room for tick labels and axis titles). */
interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const fmt = (n: number) => n.toFixed(1);
const dayOf = (date: string) => Date.parse(`${date}T00:00:00Z`);

/** Scales from data (time, value) to SVG coordinates within a frame. */
function scales(frame: Frame, times: readonly number[], maxValue: number) {
  const first = Math.min(...times);
  const span = Math.max(Math.max(...times) - first, 1);
  const plotWidth = frame.width - frame.left - frame.right;
  const plotHeight = frame.height - frame.top - frame.bottom;
  return {
    x: (time: number) => frame.left + ((time - first) / span) * plotWidth,
    y: (value: number) => frame.top + (1 - Math.min(Math.max(value, 0), maxValue) / maxValue) * plotHeight,
    first,
    last: first + span,
    plotBottom: frame.top + plotHeight,
  };
}

/** Horizontal gridlines with labels at `ticks`, and the rotated y-axis title. */
function yAxis(
  frame: Frame,
  y: (value: number) => number,
  ticks: readonly number[],
  label: (tick: number) => string,
  title: string,
): string {
  const lines = ticks
    .map(
      (tick) =>
        `<line x1="${frame.left}" x2="${frame.width - frame.right}" y1="${fmt(y(tick))}" y2="${fmt(y(tick))}" class="grid"/><text x="${frame.left - 6}" y="${fmt(y(tick) + 4)}" text-anchor="end">${escapeHtml(label(tick))}</text>`,
    )
    .join('');
  const middle = frame.top + (frame.height - frame.top - frame.bottom) / 2;
  return `${lines}<text class="axis-title" transform="translate(14 ${fmt(middle)}) rotate(-90)" text-anchor="middle">${escapeHtml(title)}</text>`;
}

/** Year ticks along the x axis, the first and last dates, and the x-axis title. */
function xAxis(
  frame: Frame,
  x: (time: number) => number,
  range: { first: number; last: number; plotBottom: number },
  title: string,
): string {
  const ticks: string[] = [];
  for (let year = new Date(range.first).getUTCFullYear() + 1; Date.UTC(year, 0, 1) < range.last; year++) {
    const tick = fmt(x(Date.UTC(year, 0, 1)));
    ticks.push(
      `<line x1="${tick}" x2="${tick}" y1="${range.plotBottom}" y2="${range.plotBottom + 5}" class="grid"/><text x="${tick}" y="${range.plotBottom + 18}" text-anchor="middle">${year}</text>`,
    );
  }
  const centre = frame.left + (frame.width - frame.left - frame.right) / 2;
  return `${ticks.join('')}<text class="axis-title" x="${fmt(centre)}" y="${frame.height - 6}" text-anchor="middle">${escapeHtml(title)}</text>`;
}

function svgOpen(id: string, frame: Frame, title: string, desc: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" id="${id}" class="chart" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${frame.width} ${frame.height}" width="${frame.width}" height="${frame.height}"><title id="${id}-title">${escapeHtml(title)}</title><desc id="${id}-desc">${escapeHtml(desc)}</desc>`;
}

const COVERAGE_FRAME: Frame = { width: 640, height: 300, left: 64, right: 24, top: 28, bottom: 56 };

interface CoveragePoint {
  date: string;
  time: number;
  pct: number;
  count: number | undefined;
}

function coveragePoints(rows: readonly Row[]): CoveragePoint[] {
  return rows
    .map((row) => ({
      date: String(row.date),
      time: dayOf(String(row.date)),
      pct: Number(row.coverage_pct),
      count: typeof row.ics_count === 'number' ? row.ics_count : undefined,
    }))
    .filter((point) => Number.isFinite(point.time) && Number.isFinite(point.pct))
    .sort((a, b) => a.time - b.time);
}

const icsLabel = (count: number | undefined) =>
  count === undefined ? '' : `${count} ICS${count === 1 ? '' : 's'}`;

/**
 * A step chart of coverage_pct over date (step-after: a value holds until the next date), each point labelled
 * with its number of designated ICSs.
 */
export function coverageChartSvg(rows: readonly Row[]): string {
  const frame = COVERAGE_FRAME;
  const points = coveragePoints(rows);
  const title = "Share of England's population in designated ICSs over time";
  const first = points[0];
  const last = points.at(-1);
  if (first === undefined || last === undefined) {
    return `${svgOpen('coverage-chart', frame, title, 'No coverage data yet.')}<text x="${frame.width / 2}" y="${frame.height / 2}" text-anchor="middle">No coverage data yet</text></svg>`;
  }
  const desc = points
    .map((p) => `${p.date}: ${icsLabel(p.count)}${p.count === undefined ? '' : ', '}${formatNumber(p.pct)}%`)
    .join('; ');
  const { x, y, ...range } = scales(
    frame,
    points.map((p) => p.time),
    100,
  );
  let path = `M${fmt(x(first.time))} ${fmt(y(first.pct))}`;
  for (const point of points.slice(1)) path += ` H${fmt(x(point.time))} V${fmt(y(point.pct))}`;
  const marks = points
    .map((point, index) => {
      const anchor = index === points.length - 1 ? 'end' : index === 0 ? 'start' : 'middle';
      return `<circle cx="${fmt(x(point.time))}" cy="${fmt(y(point.pct))}" r="3.5"><title>${escapeHtml(point.date)}: ${escapeHtml(icsLabel(point.count))} ${escapeHtml(formatNumber(point.pct))}%</title></circle><text class="point-label" x="${fmt(x(point.time))}" y="${fmt(y(point.pct) - 9)}" text-anchor="${anchor}">${escapeHtml(icsLabel(point.count))}</text>`;
    })
    .join('');
  return `${svgOpen('coverage-chart', frame, title, `Designated ICSs and the share of England's population they covered, by date: ${desc}.`)}${yAxis(frame, y, [0, 25, 50, 75, 100], (tick) => `${tick}%`, 'Population covered (%)')}${xAxis(frame, x, range, 'Date the set of designated ICSs changed')}<path d="${path}" class="line"/>${marks}</svg>`;
}

/** One region's population at each reference date. */
export interface RegionSeries {
  region: string;
  points: { date: string; value: number }[];
}

const REGION_FRAME: Frame = { width: 640, height: 320, left: 64, right: 24, top: 20, bottom: 56 };

/** A round upper bound for the y axis and its ticks: 0, step, 2·step, … ≥ max. */
function niceTicks(max: number): number[] {
  const rough = Math.max(max, 1) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].find((factor) => factor * magnitude >= rough) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let tick = 0; tick < max + step; tick += step) ticks.push(tick);
  return ticks;
}

const millions = (value: number) => `${formatNumber(Math.round(value / 100_000) / 10)}m`;

/** A line per region of its population over time; colours match the legend classes `series-<i>`. */
export function regionPopulationChartSvg(series: readonly RegionSeries[], measure: string): string {
  const frame = REGION_FRAME;
  const title = `Population by NHS England region over time (${measure})`;
  const all = series.flatMap((entry) => entry.points);
  if (all.length === 0) {
    return `${svgOpen('region-chart', frame, title, 'No population data yet.')}<text x="${frame.width / 2}" y="${frame.height / 2}" text-anchor="middle">No population data yet</text></svg>`;
  }
  const ticks = niceTicks(Math.max(...all.map((point) => point.value)));
  const { x, y, ...range } = scales(
    frame,
    all.map((point) => dayOf(point.date)),
    ticks.at(-1) ?? 1,
  );
  const desc = series
    .map(
      (entry) =>
        `${entry.region}: ${entry.points.map((p) => `${formatNumber(p.value)} on ${p.date}`).join(', ')}`,
    )
    .join('; ');
  const lines = series
    .map((entry, index) => {
      const coords = entry.points.map((p) => `${fmt(x(dayOf(p.date)))} ${fmt(y(p.value))}`);
      const dots = entry.points
        .map(
          (p) =>
            `<circle cx="${fmt(x(dayOf(p.date)))}" cy="${fmt(y(p.value))}" r="2.5"><title>${escapeHtml(entry.region)}, ${escapeHtml(p.date)}: ${escapeHtml(formatNumber(p.value))}</title></circle>`,
        )
        .join('');
      return `<g class="series series-${index % 8}" data-region="${escapeHtml(entry.region)}"><path d="M${coords.join(' L')}" class="line"/>${dots}</g>`;
    })
    .join('');
  return `${svgOpen('region-chart', frame, title, `${measure} by region: ${desc}.`)}${yAxis(frame, y, ticks, millions, 'People (millions)')}${xAxis(frame, x, range, 'Reference date')}${lines}</svg>`;
}

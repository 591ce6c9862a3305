// A line chart of values over time, drawn as inline SVG by this module (no
// library), with a text summary and the same values as a table for anyone
// who cannot see the chart. The SVG is redrawn at the width it is given, so
// its text stays readable from a phone to a desktop.

import { h, nextId } from '../dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const HEIGHT = 220;
const PAD = { left: 44, right: 14, top: 14, bottom: 34 };
const INK = '#1d2b2a';
const MUTED = '#4b5a58';
const GRID = '#c5d0cc';
const LINE = '#2c5f5d';

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    el.setAttribute(k, String(v));
  }
  for (const c of children) {
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// lineChart returns a figure. points are {at: Date, value, text} oldest
// first, where text is how the value reads ("12 — Moderate"); scale is
// {min, max, ticks, tickLabel?}; columns names the table's columns
// (["Date", "Score", …]) and row(point) gives a point's cells.
export function lineChart({ title, summary, points, scale, columns, row, tableLabel }) {
  const titleId = nextId('chart-title');
  const descId = nextId('chart-desc');
  const svg = s('svg', { role: 'img', 'aria-labelledby': `${titleId} ${descId}`, class: 'chart__svg' });
  const figure = h('figure', { class: 'chart' },
    svg,
    h('figcaption', { class: 'visually-hidden' }, title),
    h('details', {},
      h('summary', {}, tableLabel || 'Show these values as a table'),
      h('div', { class: 'table-wrap' },
        h('table', { class: 'data' },
          h('caption', { class: 'visually-hidden' }, title),
          h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, points.map((p) => h('tr', {}, row(p).map((cell, i) => (i === 0 ? h('th', { scope: 'row' }, cell) : h('td', {}, cell))))))))));
  let drawn = 0;
  const draw = (width) => {
    drawn = width;
    svg.replaceChildren(s('title', { id: titleId }, title), s('desc', { id: descId }, summary), ...plot(width, points, scale));
    svg.setAttribute('viewBox', `0 0 ${width} ${HEIGHT}`);
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(HEIGHT));
  };
  draw(560);
  if ('ResizeObserver' in window) {
    new ResizeObserver((entries) => {
      const w = Math.floor(entries[0].contentRect.width);
      if (w > 120 && Math.abs(w - drawn) > 4) {
        draw(w);
      }
    }).observe(figure);
  }
  return figure;
}

// plot draws the axes, the grid at the scale's ticks, the line and one
// marker per point (each with a tooltip title).
function plot(width, points, scale) {
  const innerW = width - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const y = (v) => PAD.top + innerH - ((v - scale.min) / (scale.max - scale.min || 1)) * innerH;
  const times = points.map((p) => p.at.getTime());
  const t0 = Math.min(...times);
  const span = Math.max(...times) - t0;
  const x = (p, i) => {
    if (points.length === 1) {
      return PAD.left + innerW / 2;
    }
    const f = span > 0 ? (p.at.getTime() - t0) / span : i / (points.length - 1);
    return PAD.left + f * innerW;
  };
  const out = [];
  for (const t of scale.ticks) {
    out.push(s('line', { x1: PAD.left, x2: width - PAD.right, y1: y(t), y2: y(t), stroke: GRID, 'stroke-width': 1 }));
    out.push(s('text', { x: PAD.left - 8, y: y(t) + 4, 'text-anchor': 'end', 'font-size': 12, fill: MUTED },
      scale.tickLabel ? scale.tickLabel(t) : String(t)));
  }
  if (points.length > 0) {
    const first = points[0].at;
    const last = points[points.length - 1].at;
    const fmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
    out.push(s('text', { x: x(points[0], 0), y: HEIGHT - 10, 'text-anchor': points.length === 1 ? 'middle' : 'start', 'font-size': 12, fill: MUTED }, fmt.format(first)));
    if (points.length > 1 && fmt.format(first) !== fmt.format(last)) {
      out.push(s('text', { x: width - PAD.right, y: HEIGHT - 10, 'text-anchor': 'end', 'font-size': 12, fill: MUTED }, fmt.format(last)));
    }
    const coords = points.map((p, i) => `${x(p, i).toFixed(1)},${y(p.value).toFixed(1)}`);
    if (points.length > 1) {
      out.push(s('polyline', { points: coords.join(' '), fill: 'none', stroke: LINE, 'stroke-width': 2.5, 'stroke-linejoin': 'round' }));
    }
    points.forEach((p, i) => {
      out.push(s('circle', { cx: x(p, i), cy: y(p.value), r: 5, fill: '#ffffff', stroke: LINE, 'stroke-width': 2.5, class: 'chart__point', 'data-value': p.value },
        s('title', {}, `${fmt.format(p.at)}: ${p.text}`)));
    });
  }
  out.push(s('line', { x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: PAD.top + innerH, stroke: INK, 'stroke-width': 1 }));
  return out;
}

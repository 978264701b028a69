/* Charts of the overview and the annual report (Chart.js, static/vendor/chartjs).
 *
 * Each chart is a <canvas data-chart="ID"> next to <script type="application/json" id="ID">
 * written by Django's json_script: {kind, percent, labels, series: [{name, values}]}.
 * The same rows are the chart's table (in a <details> beside it), so the picture and the
 * table never differ. No inline script (CSP): this file finds the canvases and draws.
 * Black and white first: series differ by grey, hatching and dashes, not by colour, so
 * the charts read the same on a phone, on a screen and on a black-and-white printer.
 */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") return;
  var Chart = window.Chart;
  var GREYS = ["#2b2b2b", "#8a8a8a", "#c4c4c4", "#5a5a5a"];
  var DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3]];

  function hatch(colour, index) {
    // A fill a black-and-white printer keeps apart: solid, then diagonal lines, then dots.
    if (index === 0) return colour;
    var size = 8;
    var canvas = document.createElement("canvas");
    canvas.width = size;
    canvas.height = size;
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, size, size);
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = 2;
    if (index % 2 === 1) {
      ctx.beginPath();
      ctx.moveTo(0, size);
      ctx.lineTo(size, 0);
      ctx.stroke();
    } else {
      ctx.fillRect(2, 2, 3, 3);
    }
    return ctx.createPattern(canvas, "repeat");
  }

  function datasets(data, horizontal) {
    var line = data.kind === "line";
    return data.series.map(function (series, i) {
      var grey = GREYS[i % GREYS.length];
      return {
        label: series.name,
        data: series.values,
        borderColor: grey,
        backgroundColor: line ? grey : hatch(grey, i),
        borderWidth: line ? 2 : 1,
        borderDash: line ? DASHES[i % DASHES.length] : [],
        pointStyle: ["circle", "rect", "triangle", "crossRot"][i % 4],
        pointRadius: line ? 3 : 0,
        // A rate and a count share a chart on the second axis (departments).
        yAxisID: data.percent && i > 0 && !horizontal ? "count" : undefined,
        xAxisID: data.percent && i > 0 && horizontal ? "count" : undefined,
      };
    });
  }

  // Long labels (meetings, departments) are cut on the axis; the table has them whole.
  function shortLabel(value) {
    var label = this.getLabelForValue(value);
    return label.length > 12 ? label.slice(0, 11) + "…" : label;
  }

  function options(data, horizontal) {
    var category = { ticks: { autoSkip: !horizontal, maxRotation: 60, callback: shortLabel } };
    var value = { beginAtZero: true, ticks: { precision: 0 } };
    var scales = horizontal ? { x: value, y: category } : { x: category, y: value };
    var axis = horizontal ? "x" : "y";
    if (data.percent) {
      scales[axis].max = 100;
      scales[axis].title = { display: true, text: data.series[0].name };
      if (data.series.length > 1) {
        scales.count = {
          axis: axis,
          beginAtZero: true,
          position: horizontal ? "top" : "right",
          grid: { drawOnChartArea: false },
          ticks: { precision: 0 },
          title: { display: true, text: data.series[1].name },
        };
      }
    }
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      indexAxis: horizontal ? "y" : "x",
      plugins: {
        legend: { display: data.series.length > 1, labels: { usePointStyle: true } },
      },
      scales: scales,
    };
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var box = canvas.parentElement;
    // Many bars on a narrow screen (a phone): lay them on their side, one row each,
    // so every label can be read; the box grows with the rows.
    var horizontal = data.kind !== "line" && data.labels.length > 12 && box.clientWidth < 600;
    if (horizontal) box.style.height = Math.max(240, data.labels.length * 24 + 60) + "px";
    var chart = new Chart(canvas, {
      type: data.kind === "line" ? "line" : "bar",
      data: { labels: data.labels, datasets: datasets(data, horizontal) },
      options: options(data, horizontal),
    });
    canvas.chart = chart;
  }

  function drawAll(root) {
    Chart.defaults.color = "#222";
    Chart.defaults.font.family =
      '-apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
    (root || document).querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  // Redraw at the paper's size before printing (and back after).
  function resizeAll() {
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.chart) canvas.chart.resize();
    });
  }
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      drawAll();
    });
  } else {
    drawAll();
  }
})();

// Draws the sweep report's charts from the JSON in #report-data with ECharts (inlined before this script), makes
// the trials table sortable, and marks the body when done: data-charts (charts drawn), data-errors (script errors),
// data-rendered="true"; tests read these.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var metric = data.primary_metric;
  var charts = [];
  var finite = function (v) { return typeof v === 'number' && isFinite(v); };
  var palette = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4',
    '#ea7ccc'];
  var colour = function (i) { return palette[i % palette.length]; };
  // a filled cross (a path symbol is filled, so two strokes would not show)
  var CROSS = 'path://M2,0L5,3L8,0L10,2L7,5L10,8L8,10L5,7L2,10L0,8L3,5L0,2Z';

  function chart(id, option) {
    var el = typeof id === 'string' ? document.getElementById(id) : id;
    if (!el) { return; }
    try {
      var c = echarts.init(el, null, {renderer: 'svg'});
      option.animation = false;
      // the value axis's name above it, starting at its left, so that a long metric name is not cut off
      if (option.yAxis && option.yAxis.name) { option.yAxis.nameTextStyle = {align: 'left'}; }
      c.setOption(option);
      charts.push(c);
    } catch (e) {
      window.reportErrors.push('chart ' + (el.id || '') + ': ' + e.message);
    }
  }

  function empty(id, text) {
    var el = document.getElementById(id);
    if (el) { el.className = 'note'; el.textContent = text; }
  }

  function epochsChart() {
    var series = [];
    data.trials.forEach(function (t, i) {
      var points = [];
      t.epochs.forEach(function (e) {
        var v = e.metrics ? e.metrics[metric] : undefined;
        if (finite(v)) { points.push([e.epoch, v]); }
      });
      if (!points.length) { return; }
      var best = t.trial_id === data.best_trial;
      var last = points.length - 1;
      var endSymbol = t.status === 'early_terminated' ? 'triangle' : t.status === 'failed' ? CROSS : null;
      var items = points.map(function (p, k) {
        return k === last && endSymbol ? {value: p, symbol: endSymbol, symbolSize: 12} : {value: p};
      });
      series.push({name: t.trial_id + ' (' + t.status.replace('_', ' ') + ')', type: 'line', data: items,
        showSymbol: true, symbolSize: best ? 7 : 4, z: best ? 10 : 2,
        lineStyle: {width: best ? 4 : 1.5, opacity: best ? 1 : 0.6,
          type: t.status === 'failed' ? 'dotted' : t.status === 'early_terminated' ? 'dashed' : 'solid'},
        itemStyle: {color: best ? '#d4380d' : colour(i)},
        endLabel: best ? {show: true, formatter: 'best: ' + t.trial_id} : undefined});
    });
    if (!series.length) { empty('chart-epochs', 'No trial has reported ' + metric + ' yet.'); return; }
    chart('chart-epochs', {
      tooltip: {trigger: 'item', formatter: function (p) {
        return p.seriesName + '<br>epoch ' + p.value[0] + ': ' + p.value[1].toFixed(4); }},
      legend: {type: 'scroll', top: 0},
      grid: {left: 60, right: 90, top: 40, bottom: 40},
      xAxis: {type: 'value', name: 'epoch', nameLocation: 'middle', nameGap: 25, minInterval: 1},
      yAxis: {type: 'value', name: metric, scale: true},
      series: series});
  }

  function bestChart() {
    var points = data.best_so_far || [];
    if (!points.length) { empty('chart-best', 'No evaluation yet.'); return; }
    // a point is labelled with its trial where the best passes to another trial
    var line = points.map(function (p, k) {
      return [p.wall_seconds / 60, p.value, k === 0 || points[k - 1].trial !== p.trial ? p.trial : ''];
    });
    if (finite(data.wall_seconds)) { line.push([data.wall_seconds / 60, points[points.length - 1].value, '']); }
    chart('chart-best', {
      tooltip: {trigger: 'axis'},
      grid: {left: 60, right: 30, top: 20, bottom: 40},
      xAxis: {type: 'value', name: 'minutes into the sweep', nameLocation: 'middle', nameGap: 25},
      yAxis: {type: 'value', name: 'best ' + metric, scale: true},
      series: [{type: 'line', step: 'end', data: line, symbolSize: 8, itemStyle: {color: '#d4380d'},
        label: {show: true, formatter: function (p) { return p.value[2]; }, position: 'top'}}]});
  }

  // an axis bound a tenth of the data's range beyond it, so that no point sits on the chart's edge
  function pad(side) {
    return function (v) {
      var d = (v.max - v.min) * 0.1 || Math.abs(v.max) * 0.1 || 0.1;
      return Number((side < 0 ? v.min - d : v.max + d).toPrecision(3));
    };
  }

  function parameterCharts() {
    var box = document.getElementById('parameter-charts');
    var names = data.searched_parameters || [];
    if (!names.length) { box.className = 'note'; box.textContent = 'No parameter was searched.'; return; }
    names.forEach(function (name) {
      var pts = [];
      data.trials.forEach(function (t) {
        if (finite(t.best_value) && t.parameters[name] !== undefined) {
          pts.push({v: t.parameters[name], y: t.best_value, id: t.trial_id});
        }
      });
      var el = document.createElement('div');
      el.className = 'chart';
      el.setAttribute('data-parameter', name);
      box.appendChild(el);
      var numeric = pts.length > 0 && pts.every(function (p) { return finite(p.v); });
      var xAxis;
      if (numeric) {
        var values = pts.map(function (p) { return p.v; });
        var min = Math.min.apply(null, values), max = Math.max.apply(null, values);
        xAxis = {type: min > 0 && max / min > 50 ? 'log' : 'value', scale: true};
      } else {
        var cats = [];
        pts.forEach(function (p) { var s = String(p.v); if (cats.indexOf(s) < 0) { cats.push(s); } });
        xAxis = {type: 'category', data: cats};
      }
      xAxis.name = name; xAxis.nameLocation = 'middle'; xAxis.nameGap = 25;
      chart(el, {
        title: {text: name, textStyle: {fontSize: 13}},
        tooltip: {trigger: 'item', formatter: function (p) {
          return 'trial ' + p.data[2] + '<br>' + name + ' = ' + p.data[0] + '<br>' + metric + ' ' +
            p.data[1].toFixed(4); }},
        grid: {left: 55, right: 20, top: 35, bottom: 45},
        xAxis: xAxis, yAxis: {type: 'value', min: pad(-1), max: pad(1)},
        series: [{type: 'scatter', symbolSize: 10, data: pts.map(function (p) {
          return {value: [numeric ? p.v : String(p.v), p.y, p.id],
            itemStyle: {color: p.id === data.best_trial ? '#d4380d' : '#5470c6'}}; })}]});
    });
  }

  function labelsChart() {
    var best = data.best_model;
    if (!best || !document.getElementById('chart-labels')) { return; }
    var labels = Object.keys(best.per_label || {});
    if (!labels.length) { empty('chart-labels', 'No per-label metrics for this epoch.'); return; }
    var keys = ['average_precision', 'coco_ap', 'coco_ap50'].filter(function (k) {
      return labels.some(function (l) { return finite(best.per_label[l][k]); }); });
    chart('chart-labels', {
      tooltip: {trigger: 'axis'}, legend: {top: 0},
      grid: {left: 60, right: 20, top: 35, bottom: 40},
      xAxis: {type: 'category', data: labels}, yAxis: {type: 'value', min: 0, max: 1},
      series: keys.map(function (k) {
        return {name: k, type: 'bar', data: labels.map(function (l) {
          var v = best.per_label[l][k]; return finite(v) ? v : null; })}; })});
  }

  function lossChart() {
    var series = [];
    data.trials.forEach(function (t, i) {
      var best = t.trial_id === data.best_trial;
      var style = {width: best ? 3 : 1.5, opacity: best ? 1 : 0.6};
      var train = t.epochs.filter(function (e) { return finite(e.train_loss); })
        .map(function (e) { return [e.epoch, e.train_loss]; });
      var val = t.epochs.filter(function (e) { return finite(e.validation_loss); })
        .map(function (e) { return [e.epoch, e.validation_loss]; });
      var c = best ? '#d4380d' : colour(i);
      if (train.length) {
        series.push({name: t.trial_id + ' training', type: 'line', data: train, lineStyle: style,
          itemStyle: {color: c}});
      }
      if (val.length) {
        series.push({name: t.trial_id + ' validation', type: 'line', data: val, itemStyle: {color: c},
          lineStyle: {width: style.width, opacity: style.opacity, type: 'dashed'}});
      }
    });
    if (!series.length) { empty('chart-loss', 'No epoch has ended yet.'); return; }
    chart('chart-loss', {
      tooltip: {trigger: 'item'}, legend: {type: 'scroll', top: 0},
      grid: {left: 60, right: 30, top: 40, bottom: 40},
      xAxis: {type: 'value', name: 'epoch', nameLocation: 'middle', nameGap: 25, minInterval: 1},
      yAxis: {type: 'value', name: 'loss', scale: true}, series: series});
  }

  function sortable(table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      th.addEventListener('click', function () {
        var asc = !th.classList.contains('asc');
        Array.prototype.forEach.call(heads, function (h) { h.classList.remove('asc', 'desc'); });
        th.classList.add(asc ? 'asc' : 'desc');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].getAttribute('data-sort'), y = b.cells[col].getAttribute('data-sort');
          var nx = parseFloat(x), ny = parseFloat(y);
          var r = x === '' ? (y === '' ? 0 : 1) : y === '' ? -1
            : !isNaN(nx) && !isNaN(ny) ? nx - ny : x.localeCompare(y);
          return asc || x === '' || y === '' ? r : -r;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  [epochsChart, bestChart, parameterCharts, labelsChart, lossChart].forEach(function (draw) {
    try { draw(); } catch (e) { window.reportErrors.push(draw.name + ': ' + e.message); }
  });
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), sortable);
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
  document.body.setAttribute('data-charts', String(charts.length));
  document.body.setAttribute('data-errors', String(window.reportErrors.length));
  if (window.reportErrors.length) {
    var pre = document.createElement('pre');
    pre.id = 'script-errors';
    pre.textContent = window.reportErrors.join('\n');
    document.body.appendChild(pre);
  }
  document.body.setAttribute('data-rendered', 'true');
}());

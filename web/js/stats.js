/* stats.js: the charts of the statistics page (/stats/cases)
 *
 * The page is complete without this file: its table holds every figure.
 * The server hands the figures over in a JSON block
 * (<script type="application/json" id="stats-data">), since the
 * Content-Security-Policy allows no inline script; this file draws them
 * with Apache ECharts (/static/vendor/echarts.min.js, loaded before it)
 * and only then shows the charts.  A click on a bar opens the list of the
 * cases behind it, as the links in the table do.  Tooltips are drawn in
 * the canvas (richText), so no label from the data becomes markup.
 * Plain ES2017, no build step.
 */
(function () {
	'use strict';

	var NOW = '#9b1c1c';            /* the year asked for */
	var LAST = '#767c87';           /* the year before */
	var RATES = ['#1a4f8f', '#2e7d32', '#b26a00'];
	var charts = [];

	function readData() {
		var el = document.getElementById('stats-data');

		if (!el)
			return null;
		try {
			return JSON.parse(el.textContent);
		} catch (e) {
			return null;
		}
	}

	/* Only paths on this site, as the server wrote them. */
	function go(href) {
		if (typeof href === 'string' && href.charAt(0) === '/' &&
		    href.charAt(1) !== '/' && href.charAt(1) !== '\\')
			window.location.assign(href);
	}

	function reducedMotion() {
		return !!(window.matchMedia &&
			window.matchMedia('(prefers-reduced-motion: reduce)')
				.matches);
	}

	function base(labels) {
		return {
			animation: !reducedMotion(),
			textStyle: {
				fontFamily: window.getComputedStyle(document.body)
					.fontFamily
			},
			tooltip: {
				trigger: 'axis',
				renderMode: 'richText',
				axisPointer: { type: 'shadow' }
			},
			legend: { top: 0 },
			grid: {
				left: 8, right: 48, top: 36, bottom: 8,
				containLabel: true
			},
			yAxis: {
				type: 'category',
				data: labels,
				inverse: true,
				axisLabel: { width: 120, overflow: 'break' }
			}
		};
	}

	function draw(id, height, option, links) {
		var el = document.getElementById(id);
		var chart;

		if (!el)
			return;
		el.style.height = height + 'px';
		chart = window.echarts.init(el, null, { renderer: 'canvas' });
		chart.setOption(option);
		chart.on('click', function (p) {
			var row = links[p.dataIndex];

			if (row)
				go(row[p.seriesIndex]);
		});
		charts.push(chart);
	}

	function receivedChart(d, rows) {
		var option = base(rows.map(function (r) { return r.label; }));

		option.xAxis = { type: 'value', minInterval: 1 };
		option.series = [d.year, d.prev].map(function (y, i) {
			return {
				name: y + '年',
				type: 'bar',
				itemStyle: { color: i ? LAST : NOW },
				label: { show: true, position: 'right' },
				data: rows.map(function (r) {
					return r.received[i];
				})
			};
		});
		draw('chart-received', 80 + rows.length * 56, option,
			rows.map(function (r) { return r.links; }));
	}

	function ratesChart(d, rows) {
		var option = base(rows.map(function (r) { return r.label; }));

		option.xAxis = {
			type: 'value', min: 0, max: 100,
			axisLabel: { formatter: '{value}%' }
		};
		option.tooltip.valueFormatter = function (v) {
			return v === null || v === undefined ? '—' :
				v.toFixed(1) + '%';
		};
		option.series = d.rate_titles.map(function (title, k) {
			return {
				name: title,
				type: 'bar',
				itemStyle: { color: RATES[k % RATES.length] },
				label: {
					show: true, position: 'right',
					formatter: function (p) {
						return p.value.toFixed(1) + '%';
					}
				},
				data: rows.map(function (r) {
					return r.rates[k];
				})
			};
		});
		draw('chart-rates', 80 + rows.length * 72, option,
			rows.map(function (r) { return r.rate_links; }));
	}

	function init() {
		var d = readData();
		var box = document.getElementById('stats-charts');
		var rows;

		if (!d || !box || !window.echarts || !Array.isArray(d.rows))
			return;
		/* Rows without a case in either year would only be gaps. */
		rows = d.rows.filter(function (r) {
			return r.received[0] > 0 || r.received[1] > 0;
		});
		if (!rows.length)
			return;
		box.hidden = false;
		receivedChart(d, rows);
		ratesChart(d, rows);
		window.addEventListener('resize', function () {
			charts.forEach(function (c) { c.resize(); });
		});
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', init);
	else
		init();
})();

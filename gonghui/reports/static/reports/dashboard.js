// Dashboard charts: the data comes from the page's json_script (#dashboard-data).
// ECharts (its small line/bar/pie build, no legend or tooltip: the page shows the colour key and
// a data table beside each chart) is fetched only when a chart comes near the screen, so a phone
// opening the dashboard does not wait for it.
(function () {
  "use strict";
  var charts = [];

  function palette() {
    var style = getComputedStyle(document.documentElement);
    var colors = [];
    for (var i = 0; i < 8; i++) colors.push(style.getPropertyValue("--chart-" + i).trim() || "#5c636a");
    return colors;
  }

  function optionFor(kind, data) {
    var grid = { left: 56, right: 16, top: 16, bottom: 32 };
    if (kind === "trend") {
      return {
        grid: grid,
        xAxis: { type: "category", data: data.months },
        yAxis: { type: "value" },
        series: data.trend.map(function (s) { return { name: s.name, type: "line", data: s.data }; }),
      };
    }
    if (kind === "categories" || kind === "care_kinds") {
      var parts = kind === "categories" ? data.proposal_categories : data.care_kinds;
      if (!parts.length) return null;
      return {
        // no labels on the slices: the list under the chart names each with its colour and value
        series: [{ type: "pie", radius: ["0%", "70%"], center: ["50%", "50%"], data: parts,
                   label: { show: false }, labelLine: { show: false } }],
      };
    }
    if (kind === "children") {
      return {
        grid: { left: 56, right: 16, top: 16, bottom: 64 },
        xAxis: { type: "category", data: data.children.names, axisLabel: { rotate: 30 } },
        yAxis: { type: "value" },
        series: data.children.series.map(function (s) { return { name: s.name, type: "bar", data: s.data }; }),
      };
    }
    return null;
  }

  function draw(node, data) {
    var kind = node.dataset.chart;
    var option = optionFor(kind, data);
    if (!option) return;
    option.color = palette();
    option.aria = { enabled: false }; // the page carries the text alternative (role="img" + table)
    var chart = echarts.init(node);
    if (kind === "children" && data.children.links) {
      chart.on("click", function (params) {
        var link = data.children.links[params.dataIndex];
        if (link) window.location.href = link;
      });
    }
    chart.setOption(option);
    charts.push(chart);
  }

  function start() {
    var source = document.getElementById("dashboard-data");
    var holder = document.getElementById("dashboard-charts");
    if (!source || !holder) return;
    var data = JSON.parse(source.textContent);
    var waiting = Array.prototype.slice.call(document.querySelectorAll(".dashboard-chart"));
    var loading = null;

    function withEcharts(callback) {
      if (typeof echarts !== "undefined") return callback();
      if (!loading) {
        loading = [];
        var script = document.createElement("script");
        script.src = holder.dataset.echarts;
        script.onload = function () { loading.forEach(function (fn) { fn(); }); };
        document.head.appendChild(script);
      }
      loading.push(callback);
    }

    function show(node) {
      withEcharts(function () { draw(node, data); });
    }

    if (!("IntersectionObserver" in window)) {
      waiting.forEach(show);
    } else {
      var observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (!entry.isIntersecting) return;
          observer.unobserve(entry.target);
          show(entry.target);
        });
      }, { rootMargin: "200px 0px" });
      waiting.forEach(function (node) { observer.observe(node); });
    }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// Dashboard charts: the data comes from the page's json_script (#dashboard-data).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var charts = [];
    document.querySelectorAll(".dashboard-chart").forEach(function (node) {
      var chart = echarts.init(node);
      var kind = node.dataset.chart;
      var option;
      if (kind === "trend") {
        option = {
          tooltip: { trigger: "axis" },
          legend: { top: 0 },
          grid: { left: 48, right: 16, top: 40, bottom: 32 },
          xAxis: { type: "category", data: data.months },
          yAxis: { type: "value" },
          series: data.trend.map(function (s) { return { name: s.name, type: "line", data: s.data }; }),
        };
      } else if (kind === "breakdown") {
        option = {
          tooltip: { trigger: "item" },
          series: [
            { type: "pie", radius: ["0%", "40%"], center: ["25%", "55%"], data: data.proposal_categories },
            { type: "pie", radius: ["0%", "40%"], center: ["75%", "55%"], data: data.care_kinds },
          ],
        };
      } else if (kind === "children") {
        option = {
          tooltip: { trigger: "axis" },
          legend: { top: 0 },
          grid: { left: 48, right: 16, top: 40, bottom: 64 },
          xAxis: { type: "category", data: data.children.names, axisLabel: { rotate: 30 } },
          yAxis: { type: "value" },
          series: data.children.series.map(function (s) { return { name: s.name, type: "bar", data: s.data }; }),
        };
      }
      if (kind === "children" && data.children.links) {
        chart.on("click", function (params) {
          var link = data.children.links[params.dataIndex];
          if (link) window.location.href = link;
        });
      }
      if (option) {
        chart.setOption(option);
        charts.push(chart);
      }
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();

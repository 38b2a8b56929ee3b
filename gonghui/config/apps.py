"""Project-level app configs."""

from django.contrib.staticfiles.apps import StaticFilesConfig as DjangoStaticFilesConfig

# npm packages ship every build of their assets (RTL, ES modules, unminified, source maps, the
# whole ECharts extension tree: about 55 MB); the pages use one minified file of each. collectstatic
# (`make serve`) leaves the rest out, so hashing and gzip/brotli take seconds instead of minutes.
# Patterns match file and directory base names (Django's ignore_patterns). The demo and the tests
# serve node_modules through the finders, which do not apply these patterns.
VENDOR_LEFT_OUT = [
    # Bootstrap: bootstrap.min.css (+ its .map, named in the file) and bootstrap.bundle.min.js.
    "bootstrap-grid*",
    "bootstrap-reboot*",
    "bootstrap-utilities*",
    "*.rtl.*",
    "bootstrap.css",
    "bootstrap.css.map",
    "bootstrap.js*",
    "bootstrap.min.js*",
    "bootstrap.esm*",
    "bootstrap.bundle.js*",
    # Bootstrap Icons: bootstrap-icons.min.css and its fonts/.
    "bootstrap-icons.css",
    "bootstrap-icons.json",
    "*.scss",
    "*.ts",
    # ECharts: echarts.simple.min.js.
    "extension",
    "echarts.js*",
    "echarts.min.js",
    "echarts.common*",
    "echarts.esm*",
    "echarts.simple.js*",
    "package.json",
    # htmx: htmx.min.js (WhiteNoise makes its own .gz).
    "ext",
    "htmx.js",
    "htmx.amd.js",
    "htmx.cjs.js",
    "htmx.esm.*",
    "htmx.min.js.gz",
]


class StaticFilesConfig(DjangoStaticFilesConfig):
    ignore_patterns = [*DjangoStaticFilesConfig.ignore_patterns, *VENDOR_LEFT_OUT]

"""The browser assets from npm must be there before anything starts.

settings.STATICFILES_DIRS maps node_modules (`make setup`, package.json) under static/vendor/ and
leaves out the directories that do not exist, so without node_modules the pages would be served
without their CSS and scripts. This check turns that into an error at start (`runserver`,
`migrate`, `worker`, `check --deploy`, `collectstatic`).

An asset counts as present when the staticfiles finders find it (node_modules, the demo and the
tests) or when STATIC_ROOT holds it as collected (with the manifest storage of `make serve`:
listed in staticfiles.json and its hashed file there), so a server whose static files were
collected elsewhere runs without node_modules. `make serve` runs `collectstatic --clear` after
`check --deploy`; a collection without the npm files left by that is caught by the check that
`migrate` runs next.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.checks import Error, Tags, register

# What the templates load from node_modules (`{% static 'vendor/...' %}`; tests/core/
# test_asset_checks.py keeps this list in step with them), and the icon font the icons' CSS names.
NPM_ASSETS = (
    "vendor/bootstrap/css/bootstrap.min.css",
    "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "vendor/htmx/htmx.min.js",
    "vendor/echarts/echarts.simple.min.js",
)


def collected(path: str) -> bool:
    """Whether STATIC_ROOT holds `path` the way the configured storage serves it."""
    storage: Any = staticfiles_storage
    try:
        if isinstance(staticfiles_storage, ManifestFilesMixin):
            paths, _hash = storage.load_manifest()  # staticfiles.json as it is now on disk
            hashed = paths.get(path)
            return bool(hashed) and bool(storage.exists(hashed))
        return bool(storage.exists(path))
    except ValueError:  # a manifest that cannot be read: nothing was collected
        return False


def missing_npm_assets() -> list[str]:
    return [path for path in NPM_ASSETS if not finders.find(path) and not collected(path)]


@register(Tags.staticfiles)
def npm_assets_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    missing = missing_npm_assets()
    if not missing:
        return []
    node_modules = getattr(settings, "NODE_MODULES", "node_modules")
    listed = ", ".join(missing)
    return [
        Error(
            f"缺少页面所需的浏览器资源（npm 包：Bootstrap、Bootstrap Icons、htmx、ECharts）：{listed}；"
            "没有它们，页面将没有样式和脚本，服务不能启动。"
            f"The browser assets the pages load from npm are missing: {listed} "
            f"(looked in {node_modules} and STATIC_ROOT); without them pages would be served "
            "without their CSS and scripts.",
            hint="运行 make setup（npm ci，安装 node_modules）/ run `make setup` (npm ci into node_modules).",
            id="gonghui.E020",
        )
    ]

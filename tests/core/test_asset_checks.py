"""Without the npm browser assets (node_modules) nothing starts: the system check gonghui.E020
(core/asset_checks.py) refuses, with the fix (`make setup`), unless STATIC_ROOT holds them as
collected."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from gonghui.core.asset_checks import NPM_ASSETS, npm_assets_check
from tests.core.test_production import manage, production_env

ROOT = Path(__file__).resolve().parents[2]
MANIFEST_STORAGE = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
VENDOR_REFERENCE = re.compile(r"""\{%\s*static\s+['"](vendor/[^'"]+)['"]""")


def without_node_modules(settings, static_root: Path) -> None:
    settings.STATICFILES_DIRS = []
    settings.STATIC_ROOT = str(static_root)


def fake_collection(static_root: Path) -> None:
    """What collectstatic with the manifest storage leaves of the npm assets: hashed copies and
    staticfiles.json naming them."""
    paths = {}
    for name in NPM_ASSETS:
        source = finders.find(name)
        assert isinstance(source, str), name
        stem, _, extension = name.rpartition(".")
        hashed = f"{stem}.0123456789ab.{extension}"
        (static_root / hashed).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, static_root / hashed)
        paths[name] = hashed
    manifest = {"version": "1.1", "paths": paths, "hash": "0123456789ab"}
    (static_root / "staticfiles.json").write_text(json.dumps(manifest))


def manifest_storage(settings) -> None:
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}


# --- the check, in this process ----------------------------------------------------------------


def test_the_check_passes_in_the_normal_tree():
    assert npm_assets_check(None) == []


def test_without_node_modules_the_check_fails_naming_every_asset_and_the_fix(settings, tmp_path):
    without_node_modules(settings, tmp_path / "static")

    errors = npm_assets_check(None)

    assert [error.id for error in errors] == ["gonghui.E020"]
    assert errors[0].is_serious()
    assert "缺少页面所需的浏览器资源" in errors[0].msg and "are missing" in errors[0].msg
    assert all(name in errors[0].msg for name in NPM_ASSETS)
    assert errors[0].hint is not None and "make setup" in errors[0].hint


def test_one_missing_package_fails_the_check_naming_only_its_files(settings):
    settings.STATICFILES_DIRS = [
        (prefix, path) for prefix, path in settings.STATICFILES_DIRS if prefix != "vendor/echarts"
    ]

    errors = npm_assets_check(None)

    assert [error.id for error in errors] == ["gonghui.E020"]
    assert "vendor/echarts/echarts.simple.min.js" in errors[0].msg
    assert "vendor/htmx/htmx.min.js" not in errors[0].msg


def test_collected_assets_pass_the_check_without_node_modules(settings, tmp_path):
    static_root = tmp_path / "static"
    fake_collection(static_root)
    without_node_modules(settings, static_root)
    manifest_storage(settings)

    assert npm_assets_check(None) == []


def test_a_manifest_naming_a_file_that_is_not_there_does_not_pass(settings, tmp_path):
    static_root = tmp_path / "static"
    fake_collection(static_root)
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    (static_root / manifest["paths"]["vendor/htmx/htmx.min.js"]).unlink()
    without_node_modules(settings, static_root)
    manifest_storage(settings)

    errors = npm_assets_check(None)

    assert [error.id for error in errors] == ["gonghui.E020"]
    assert "vendor/htmx/htmx.min.js" in errors[0].msg
    assert "bootstrap.min.css" not in errors[0].msg


def test_the_checked_assets_include_every_npm_file_the_templates_load():
    templates = [path for path in (ROOT / "gonghui").rglob("*.html") if "templates" in path.parts]

    referenced = {name for path in templates for name in VENDOR_REFERENCE.findall(path.read_text())}

    assert "vendor/bootstrap/css/bootstrap.min.css" in referenced  # the pattern does find them
    assert referenced <= set(NPM_ASSETS), referenced - set(NPM_ASSETS)


# --- manage.py in a subprocess ---------------------------------------------------------------------


@pytest.fixture
def no_node_modules(tmp_path) -> Path:
    empty = tmp_path / "node_modules"
    empty.mkdir()
    return empty


def test_manage_py_check_exits_non_zero_without_node_modules(tmp_path, no_node_modules):
    env = production_env(tmp_path, GONGHUI_HTTPS="0", GONGHUI_NODE_MODULES=str(no_node_modules))

    result = manage(env, "check")

    assert result.returncode != 0
    assert "gonghui.E020" in result.stderr and "make setup" in result.stderr


def test_collectstatic_refuses_to_collect_a_tree_without_node_modules(tmp_path, no_node_modules):
    env = production_env(
        tmp_path,
        GONGHUI_HTTPS="0",
        GONGHUI_STATIC_MANIFEST="1",
        GONGHUI_NODE_MODULES=str(no_node_modules),
    )

    result = manage(env, "collectstatic", "--noinput", "-v0")

    assert result.returncode != 0
    assert "gonghui.E020" in result.stderr
    assert not (tmp_path / "var" / "staticfiles" / "staticfiles.json").exists()


def test_a_production_server_with_collected_assets_starts_without_node_modules(tmp_path, no_node_modules):
    fake_collection(tmp_path / "var" / "staticfiles")
    env = production_env(
        tmp_path,
        GONGHUI_HTTPS="0",
        GONGHUI_STATIC_MANIFEST="1",
        GONGHUI_NODE_MODULES=str(no_node_modules),
    )

    result = manage(env, "check", "--deploy")

    assert result.returncode == 0, result.stderr
    assert "gonghui.E020" not in result.stderr


def test_recollecting_without_node_modules_is_refused_by_the_next_check(tmp_path, no_node_modules):
    """`make serve` runs check --deploy, then collectstatic --clear, then migrate (which runs the
    checks again): the earlier collection lets the first check pass, the new one, made without
    the npm files, stops migrate before it starts."""
    fake_collection(tmp_path / "var" / "staticfiles")
    env = production_env(
        tmp_path,
        GONGHUI_HTTPS="0",
        GONGHUI_STATIC_MANIFEST="1",
        GONGHUI_NODE_MODULES=str(no_node_modules),
    )
    collected = manage(env, "collectstatic", "--noinput", "--clear", "-v0", timeout=600)
    assert collected.returncode == 0, collected.stderr

    result = manage(env, "migrate", "--noinput")

    assert result.returncode != 0
    assert "gonghui.E020" in result.stderr
    assert "Applying" not in result.stdout

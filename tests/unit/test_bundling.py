"""The build groups icons and Radix parts into one file each (repair_portal/bundling.py)."""

from __future__ import annotations

from reflex.utils import frontend_skeleton

from repair_portal import bundling
from rxconfig import config


def test_the_build_config_reflex_writes_gets_both_groups_once():
    written = frontend_skeleton._compile_vite_config(config)
    grouped = bundling.group_chunks(written)
    assert grouped.count('name: "icons"') == 1 and grouped.count('name: "radix"') == 1
    assert 'name: "reflex-env"' in grouped  # Reflex's own group is kept
    assert bundling.group_chunks(grouped) == grouped  # compiling again adds nothing


def test_a_config_without_one_group_list_is_left_as_it_is(caplog):
    assert bundling.group_chunks("export default {}") == "export default {}"
    assert "icons stay in separate files" in caplog.text


def test_the_plugin_is_in_the_apps_config():
    assert any(isinstance(p, bundling.GroupChunks) for p in config.plugins)

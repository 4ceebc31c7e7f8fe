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


def test_the_plugin_in_the_apps_config_asks_the_compile_to_group_the_build_config():
    plugin = next(p for p in config.plugins if isinstance(p, bundling.GroupChunks))
    asked = []
    plugin.pre_compile(add_modify_task=lambda path, fn: asked.append((path, fn)), add_save_task=lambda *a: None)
    assert asked == [("vite.config.js", bundling.group_chunks)]

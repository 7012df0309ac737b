"""Production's static files: the ES modules of a release import each other by their hashed names."""

import re
import shutil
from pathlib import Path

from django.contrib.staticfiles import finders
from django.utils.module_loading import import_string

MODULES = [
    "js/connection.js",
    "workgroups/tokens.js",
    "workgroups/protocol.js",
    "workgroups/outbox.js",
    "workgroups/render.js",
    "workgroups/room.js",
    "exchange/table.js",
    "exchange/live.js",
    "search/autocomplete.js",
]


def test_production_rewrites_module_imports_to_the_hashed_files(tmp_path):
    # The storage portal/settings/base.py names (test.py and dev.py serve the files unhashed).
    storage_class = import_string("portal.staticfiles.ManifestStaticFilesStorage")
    for name in MODULES:
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(finders.find(name), target)
    storage = storage_class(location=tmp_path, base_url="/static/")

    for _name, _hashed, processed in storage.post_process({name: (storage, name) for name in MODULES}):
        assert not isinstance(processed, Exception), processed

    def imports(name):
        text = Path(storage.path(storage.stored_name(name))).read_text("utf-8")
        return set(re.findall(r'from "([^"]+)"', text))

    assert imports("workgroups/room.js") == {
        "../js/" + Path(storage.stored_name("js/connection.js")).name,
        "./" + Path(storage.stored_name("workgroups/outbox.js")).name,
        "./" + Path(storage.stored_name("workgroups/protocol.js")).name,
        "./" + Path(storage.stored_name("workgroups/render.js")).name,
    }
    assert imports("workgroups/render.js") == {"./" + Path(storage.stored_name("workgroups/tokens.js")).name}
    hashed_connection = "../js/" + Path(storage.stored_name("js/connection.js")).name
    assert imports("exchange/table.js") == imports("exchange/live.js") == {hashed_connection}
    assert re.fullmatch(r"connection\.[0-9a-f]{12}\.js", Path(storage.stored_name("js/connection.js")).name)

"""The shape of the code: which way imports flow, and small functions (no Python function
over 40 lines, in the app, its scripts, benchmarks or tests; the JavaScript check is
tests/js/)."""
from __future__ import annotations

import ast
import subprocess
import sys

from support import REPO

LIMIT = 40


def python_files():
    for folder in ("webapp", "scripts", "bench", "tests"):
        yield from sorted((REPO / folder).rglob("*.py"))


def test_no_python_function_over_the_limit():
    long = []
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > LIMIT:
                    long.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name} ({lines} lines)")
    assert long == []


def test_the_core_imports_no_flask_and_nothing_outside_itself():
    outside = []
    for path in sorted((REPO / "webapp" / "core").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                depth = len(path.relative_to(REPO / "webapp" / "core").parts) - 1
                if node.level > depth + 1:
                    outside.append(f"{path.name}: from {'.' * node.level}{node.module or ''}")
            names = [a.name for a in node.names] if isinstance(node, (ast.Import, ast.ImportFrom)) else []
            module = node.module if isinstance(node, ast.ImportFrom) and not node.level else ""
            if any(n.split(".")[0] in ("flask", "werkzeug", "jinja2") for n in names + [module or ""]):
                outside.append(f"{path.name}: imports {module or names}")
    assert outside == []
    code = ("import sys, webapp.core, webapp.core.search, webapp.core.episodes, webapp.core.previews, "
            "webapp.core.clips, webapp.core.settings; print(any(m.split('.')[0] == 'flask' for m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.stdout.strip() == "False", proc.stderr


# ---- one owner for an episode's folder (webapp/core/episodes) ---------------------------
EPISODE_FILES = {"episode.json", "transcript.vtt", "words.json", "chapters.json", ".feeds"}


def test_only_the_episodes_package_names_an_episodes_files():
    """Every other module asks the library for a file (``Library.words_file``…) or for
    the opened episode; none spells a file name of the folder."""
    named = []
    for path in sorted((REPO / "webapp").rglob("*.py")):
        if (REPO / "webapp" / "core" / "episodes") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and node.value in EPISODE_FILES:
                named.append(f"{path.relative_to(REPO)}:{node.lineno} {node.value!r}")
    assert named == []


def test_alignment_computes_and_never_writes():
    """Alignment returns what it found; the library stores it (Library.save_alignment)."""
    writes = []
    for path in sorted((REPO / "webapp" / "core" / "alignment").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] == "atomic":
                writes.append(f"{path.name}: imports atomic")
            if isinstance(node, ast.Attribute) and (
                    node.attr in ("write_text", "write_bytes", "unlink", "rename", "mkdir")
                    or isinstance(node.value, ast.Name) and node.value.id in ("os", "shutil")
                    and node.attr in ("replace", "rename", "remove", "unlink", "rmtree")):
                writes.append(f"{path.name}:{node.lineno} .{node.attr}")
    assert writes == []


def test_the_app_has_one_library_and_its_index_follows_it(tmp_path):
    from webapp import create_app

    app = create_app({"TESTING": True, "MEDIA_DIR": str(tmp_path)})
    library, index = app.extensions["library"], app.extensions["search"]
    assert index.library is library and index.indexer.library is library
    assert library.on_change == index.changed

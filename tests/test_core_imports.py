"""The conversion core imports no Flask (the CLI and scripts stay light)."""
from __future__ import annotations

import json
import subprocess
import sys


def test_importing_webapp_core_does_not_import_flask():
    code = ("import json, sys, webapp.core, webapp.core.reading, webapp.core.writing; "
            "print(json.dumps(sorted(m for m in sys.modules "
            "if m.split('.')[0] == 'flask')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []

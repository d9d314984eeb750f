"""Django starts without WeasyPrint or pyHanko (docs/performance.md, "Start-up"): importing them was
about 1.6 s of CPU in every process (web workers, the deadline worker and beat, each manage.py
command), though only the letters worker lays out and signs letters. They are imported on first use."""

import os
import subprocess
import sys

from django.conf import settings

PROBE = """
import sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # every view module, as a web worker's warm-up loads them
from letters import rendering, services, signing, verification  # noqa: F401
print(sorted(m for m in ("weasyprint", "pyhanko", "pyhanko_certvalidator") if m in sys.modules))
"""


def test_starting_django_and_loading_every_url_imports_no_pdf_library():
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test")
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"

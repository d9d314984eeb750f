"""The deployment files stay complete as settings are added (issue 9)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
READ = re.compile(r"""(?<![A-Za-z0-9])_?env\.(?:str|int|bool|list|float|db)\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def settings_read_from_the_environment() -> set[str]:
    names = set()
    for path in (ROOT / "config" / "settings").rglob("*.py"):
        if path.name == "test.py":  # the test suite's own switches are not deployment settings
            continue
        names |= set(READ.findall(path.read_text()))
    names |= {"LETTERS_P12_PASSPHRASE"}  # read by letters/pki.py
    return names


def test_the_env_template_lists_every_setting():
    template = (ROOT / "deploy" / "credit.env.template").read_text()
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", template, re.MULTILINE))
    missing = settings_read_from_the_environment() - listed
    assert not missing, f"add these to deploy/credit.env.template: {sorted(missing)}"


def test_every_worker_queue_is_served_by_a_worker():
    from django.conf import settings

    served = set()
    for env in (ROOT / "deploy").glob("worker-*.env"):
        line = next(x for x in env.read_text().splitlines() if x.startswith("CELERY_QUEUES="))
        served |= set(line.split("=", 1)[1].split(","))
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} | {settings.CELERY_TASK_DEFAULT_QUEUE}
    assert routed <= served, f"queues nobody consumes: {routed - served}"
    assert set(settings.OPS_QUEUES) == routed
    deadlines = (ROOT / "deploy" / "worker-deadlines.env").read_text()
    assert "letters" not in deadlines.split("CELERY_QUEUES=")[1].splitlines()[0], "escalations never wait behind letters"


def test_the_tls_site_is_valid_nginx(tmp_path):
    """Render the production site with a throwaway certificate and let nginx check it."""
    assert shutil.which("nginx"), "nginx is missing: install the Debian package nginx (scripts/test does)"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=t",
                    "-keyout", tmp_path / "key.pem", "-out", tmp_path / "cert.pem"], check=True, capture_output=True)
    render = {"@SERVER_NAME@": "credit.example.gov.cn", "@STATIC_ROOT@": str(tmp_path / "static"),
              "@WEB_BIND@": "127.0.0.1:8000", "@METRICS_ALLOW@": "allow 10.0.0.0/8;",
              "/etc/nginx/credit/": f"{tmp_path}/", "/etc/ssl/credit/fullchain.pem": str(tmp_path / "cert.pem"),
              "/etc/ssl/credit/privkey.pem": str(tmp_path / "key.pem"), "/var/log/nginx/": f"{tmp_path}/"}
    for name in ("credit.conf", "credit-http.conf", "credit-locations.conf"):
        text = (ROOT / "deploy" / "nginx" / name).read_text()
        for key, value in render.items():
            text = text.replace(key, value)
        (tmp_path / name).write_text(text)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log; events {{}}\n"
        f"http {{ include /etc/nginx/mime.types; include {tmp_path}/credit.conf; }}\n")
    result = subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr

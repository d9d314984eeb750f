"""Only the static files the pages use are collected (config/staticfinders.py), and every one the
pages reference is among them: a page never points at a stylesheet or script ``collectstatic``
left out."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

ROOT = Path(__file__).resolve().parents[2]
STATIC_URL_IN_PAGE = re.compile(r"""(?:src|href)=["']/static/([^"'?#]+)""")
STATIC_TAG = re.compile(r"""{%\s*static\s+["']([^"']+)["']""")


def collected() -> set[str]:
    return {path for finder in finders.get_finders() for path, _storage in finder.list(ignore_patterns=[])}


def test_viewflows_unused_frontend_is_not_collected():
    paths = collected()
    assert not [path for path in paths if path.startswith("viewflow/")]
    assert {"credit/site.css", "admin/css/base.css"} <= paths


def test_every_static_tag_in_our_templates_names_a_collected_file():
    paths = collected()
    missing = [f"{template.relative_to(ROOT)}: {name}"
               for template in sorted((ROOT / "templates").rglob("*.html"))
               for name in STATIC_TAG.findall(template.read_text(encoding="utf-8")) if name not in paths]
    assert not missing, "\n".join(missing)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/public/", "/portal/", "/accounts/login/", "/admin/login/", "/api/docs/"])
def test_every_static_file_a_page_loads_is_collected(client, url):
    response = client.get(url, follow=True)
    assert response.status_code == 200
    names = STATIC_URL_IN_PAGE.findall(response.content.decode())
    assert names, f"{url} loads no static file: the pattern no longer matches the pages"
    paths = collected()
    missing = [name for name in names if name not in paths]
    assert not missing, f"{url} loads files collectstatic leaves out: {missing}"
    assert staticfiles_storage.base_url == "/static/"

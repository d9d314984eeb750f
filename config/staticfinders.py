"""Static files: the apps' own, except those of apps whose pages the site never shows.

viewflow ships its Material frontend (73 MB: Plotly Dash, icon fonts, source maps) for its own
site views. The workflow here runs behind our own pages (templates/), so none of it is ever served;
collecting it made ``collectstatic`` compress 900 files where 130 are used, which cost a production
deploy and every start of the test suite's stack about a minute and a half.
"""

from django.contrib.staticfiles.finders import AppDirectoriesFinder

# Apps whose static files no page of ours references (tests/deploy/test_static_files.py checks it).
UNSERVED_APPS = frozenset({"viewflow", "viewflow.workflow"})


class ServedAppDirectoriesFinder(AppDirectoriesFinder):
    def __init__(self, app_names=None, *args, **kwargs):
        from django.apps import apps

        names = app_names if app_names is not None else [config.name for config in apps.get_app_configs()]
        super().__init__([name for name in names if name not in UNSERVED_APPS], *args, **kwargs)

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.embedded")
django.setup(set_prefix=False)  # as django.core.wsgi.get_wsgi_application does

from config.handlers import Application  # noqa: E402  (after setup: it reads the settings)

application = Application()

"""The WSGI entry point gunicorn loads.

With DEBUG off, static files are served from the manifest `collectstatic` writes. Without it
every page would answer 500, so the start fails instead, with the command that fixes it.

What a worker has loaded by then (Django, the apps, their models) lives as long as the worker,
so it is frozen out of the garbage collector: its full collections walk only what requests
leave behind (docs/PERFORMANCE.md).
"""

import gc
import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lgdata.settings")

application = get_wsgi_application()


def require_collected_static() -> None:
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

    if isinstance(staticfiles_storage, ManifestFilesMixin) and not (
        staticfiles_storage.manifest_storage.exists(staticfiles_storage.manifest_name)
    ):
        raise ImproperlyConfigured(
            f"Static files are not collected in {staticfiles_storage.location}: run "
            "`python manage.py collectstatic --noinput` before starting the portal."
        )


require_collected_static()

gc.freeze()

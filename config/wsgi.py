import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()
# Django, its apps and their modules are loaded now and live as long as the process: out of
# the collector's sight, its full collections scan what requests leave behind instead of the
# few hundred thousand objects of the code (they were ~3 % of a registration's CPU time).
gc.freeze()

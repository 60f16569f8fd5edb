"""Names of the back office (the Django admin), in the UI language of the organiser."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Museum Webinars: back office")
admin.site.site_title = _("Museum Webinars back office")
admin.site.index_title = _("Programme")

from django.db import models


class ContentVersion(models.Model):
    """One row whose number goes up whenever public content changes.

    Cached public pages carry this number in their cache key, so every process (each
    gunicorn worker has its own local-memory cache in the embedded configuration) stops
    serving stale pages within a second of an edit, without a shared cache.
    """

    version = models.BigIntegerField(default=1)

    class Meta:
        verbose_name = "content version"

    def __str__(self) -> str:
        return str(self.version)

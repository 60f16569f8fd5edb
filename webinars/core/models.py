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


class RateCounter(models.Model):
    """Hits of one identity in one fixed window of a rate limit, when no Redis is configured.

    One row per (scope, window, hashed identity) key, counted by a single upsert: the
    database cache's add + incr took ten queries, including a ``COUNT(*)`` of the whole cache
    table, inside the registration transaction. Rows past ``expires_at`` are deleted by the
    periodic job.
    """

    key = models.CharField(max_length=80, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "rate counter"

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"

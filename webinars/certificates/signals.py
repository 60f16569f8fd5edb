"""Domain events of certificates, sent by ``services`` inside the transaction of the change.

``certificates_issued`` (sender ``Certificate``)
    ``series``, ``webinar`` (None for a whole-series run), ``result`` (``IssueResult``: how
    many webinar and series certificates were stored), ``actor``. Sent only when some were.
``certificate_revoked`` (sender ``Certificate``)
    ``certificate``, ``actor``.
"""

from django.dispatch import Signal

certificates_issued = Signal()
certificate_revoked = Signal()

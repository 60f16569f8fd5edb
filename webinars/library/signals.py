"""Domain events of the library, sent by ``services`` inside the transaction of the change.

All are sent with ``sender=LibraryItem``, ``item`` and ``actor`` (a user or None):

``item_published``, ``item_unpublished``
    the item became visible to everyone, or stopped being.
``item_changed``
    its content, files or captions changed (a published item is already indexed again).
``item_deleted``
    also ``item_id``; the item is gone.
"""

from django.dispatch import Signal

item_published = Signal()
item_unpublished = Signal()
item_changed = Signal()
item_deleted = Signal()

"""The workspace's forms, one module per section (``forms/<section>.py``)."""

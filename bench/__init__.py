"""`make bench`: speed targets measured against a throw-away gunicorn site (see bench/run.py)."""

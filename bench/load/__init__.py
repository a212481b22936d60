"""`make bench-load`: the question pages under load beside a bare Django hello (run.py)."""

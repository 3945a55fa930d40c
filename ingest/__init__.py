"""Newspaper ingestion library: sources, parsers, normalization, dedup, index and search.

Nothing here imports Celery; `tasks/` wires these functions into a pipeline.
"""

__version__ = "0.1.0"

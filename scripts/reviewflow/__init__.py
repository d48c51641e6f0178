"""reviewflow: a reproducible evidence-synthesis pipeline for systematic reviews."""

__version__ = "0.1.0"

"""Ingest: each document (PDF, HTML, text) to clean reading-order text with pages, blocks and sections."""

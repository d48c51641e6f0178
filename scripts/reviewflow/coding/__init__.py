"""Coding: every body segment of a document to recommendation?, codes, phase and citations; the learned scorer and its measurement."""

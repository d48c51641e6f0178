"""The corpus: its manifest, imports from BibTeX/RIS, the search log and the default corpus's surrogates."""

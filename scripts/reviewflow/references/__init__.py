"""Reference lists: a document's references section split into entries, parsed and matched to the corpus."""

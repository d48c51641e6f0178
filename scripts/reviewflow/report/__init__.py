"""The run's report: the HTML report, the closing summary, provenance and the README's generated blocks."""

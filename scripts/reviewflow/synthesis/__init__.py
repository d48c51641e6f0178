"""The synthesis: coded documents combined, the review's tables and figures."""

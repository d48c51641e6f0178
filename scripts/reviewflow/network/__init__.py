"""The citation network among the included documents: graph, figure and interactive view."""

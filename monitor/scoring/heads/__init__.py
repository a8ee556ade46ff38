"""Bundled sentiment heads (data only: head.npz + metrics.json per folder)."""

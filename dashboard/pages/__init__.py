"""One module per dashboard page; each has ``register(app, context)``."""

from people import import_hooks  # noqa: F401  (registers the "Import people" screens)

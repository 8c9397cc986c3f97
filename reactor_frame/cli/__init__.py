"""The ``reactor-frame`` command line."""

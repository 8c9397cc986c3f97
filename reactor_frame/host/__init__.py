"""The host runtime: engine and module cache, WASI, output capture, the
watchdog, fast guest calls, and the ``Reactor`` built from them."""

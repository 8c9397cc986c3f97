"""Frame-budgeted driving: ``Reactor.step``, ``FrameScheduler`` and hooks."""

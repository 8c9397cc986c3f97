"""Snapshots of a live reactor: save, restore, fork, rewind.

Between guest calls a Go reactor is its linear memory, its mutable wasm
globals (the Go stack pointer, current goroutine and a few registers, which
the build tool exports as ``reactor_frame_global_N``) and the host's state
about it. :meth:`Reactor.snapshot` copies all three into an immutable
:class:`ReactorSnapshot`; :meth:`Reactor.restore` puts them back in place,
:meth:`Reactor.from_snapshot` into a fresh instance, and
:meth:`ReactorSnapshot.to_bytes` / :meth:`ReactorSnapshot.from_bytes` carry
one to a file or another process. See ``docs/snapshots.md``.
"""

from .codec import FORMAT_VERSION
from .image import ReactorSnapshot

__all__ = ["FORMAT_VERSION", "ReactorSnapshot"]

"""Names of the ABI between the host and the ``reactorframe/guest`` Go
package (``reactor_frame/goguest``). Change them together with the Go side.
"""

#: Import module of the package's host functions; the host provides it
#: whenever a module imports from it, and user imports cannot use the name.
MODULE = "reactor_frame"

#: ``share(name string, records, count, stride uint32)``: publish records.
SHARE = "share"
#: ``call(module, name string, payload *byte, size uint32, answerSize *uint32) int32``.
CALL = "call"
#: ``take(handle int32, dst *byte)``: copy a pending CallHost answer.
TAKE = "take"

#: Export ``(kind, a, b int32, x, y float32) bool``: push one input event.
PUSH_EVENT = "reactor_frame_push_event"

#: Prefix of the package's exports; they are left out of ``dir(r.exports)``.
EXPORT_PREFIX = "reactor_frame_"

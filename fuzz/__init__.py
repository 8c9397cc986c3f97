"""reactor-frame's fuzz campaign: hostile guests and racing hosts, each batch in
a child process so that a signal or a hang is counted instead of ending the
run. ``python -m fuzz.campaign --minutes N`` (see :mod:`fuzz.campaign`)."""

"""One batch of fuzz cases, run by :mod:`fuzz.campaign` in a child process.

``python -m fuzz.worker KIND SEED COUNT`` runs COUNT cases of KIND, case i
seeded with ``SEED + i``, and prints one JSON line per case:
``{"case": i, "ok": true}`` or ``{"case": i, "foreign": "Type: message"}`` for
an exception that is not a ReactorError, or ``{"case": i, "finding": ...}``
for a wrong outcome. A line is flushed before the next case starts, so the
parent knows which case a signal or a hang happened in.
"""

from __future__ import annotations

import json
import random
import sys
import warnings

from reactor_frame import ReactorError

from .cases import CASES, Finding


def main(argv: list[str]) -> int:
    kind, seed, count = argv[0], int(argv[1]), int(argv[2])
    case = CASES[kind]
    warnings.simplefilter("ignore")
    for i in range(count):
        print(json.dumps({"start": seed + i}), flush=True)
        record: dict[str, object] = {"case": seed + i}
        try:
            case(random.Random(seed + i))
            record["ok"] = True
        except ReactorError:
            record["ok"] = True
        except Finding as exc:
            record["finding"] = str(exc)[:500]
        except BaseException as exc:  # noqa: BLE001 - what the campaign counts
            record["foreign"] = f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}"[:500]
        print(json.dumps(record), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

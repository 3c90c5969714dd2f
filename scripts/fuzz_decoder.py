"""Fuzz our JSON decoder against `json.loads` for longer than CI does: the generators and the
oracle of `tests/test_json_decoder.py` (in `tests/json_documents.py`), with any seed, for a
number of seconds or until interrupted. Prints a reproducer for every mismatch and exits 1 if
there was one.

    python scripts/fuzz_decoder.py [--seconds N] [--seed S]

Run it from the repository root with the virtualenv that has the built extension active. Without
`--seed`, each run draws a new seed (printed, so a run can be repeated).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simplicate import _core
from tests.json_documents import check, documents, truncations


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0, help="0: until interrupted")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--max-failures", type=int, default=20)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    print(f"seed {seed}", flush=True)
    deadline = time.monotonic() + args.seconds if args.seconds > 0 else float("inf")
    rng = random.Random(seed)
    count = failed = 0
    try:
        for doc in documents(seed):
            # Now and then, every truncation of a small valid-looking document too.
            batch = [doc, *truncations(doc)] if len(doc) < 200 and rng.random() < 0.002 else [doc]
            for d in batch:
                count += 1
                problem = check(_core._decode_json, d)
                if problem is not None:
                    failed += 1
                    print(f"\nMISMATCH: {problem}\n  reproduce: _core._decode_json({d!r})")
            if failed >= args.max_failures or time.monotonic() > deadline:
                break
            if count % 100_000 < len(batch):
                print(f"{count:,} documents", flush=True)
    except KeyboardInterrupt:
        pass
    print(f"{count:,} documents, {failed} mismatches (seed {seed})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""Letters rendered and signed per second, and the cost split between rendering and signing.

Runs the same code the Celery task runs (letters.rendering.render_letter, then the configured
signer, then hashing and storing the PDF), on in-memory letters so that no database is needed.
With ``--workers N`` it runs N processes side by side, as N Celery worker processes would.

    .venv/bin/python bench/letters_throughput.py --count 60 --workers 2

Keys and PDFs go to a temporary directory (a throwaway demo CA), removed afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "letters"))  # realistic letter contents shared with the tests
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.embedded")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from cases.identifiers import make_uscc  # noqa: E402
from cases.models import Region, Subject, Unit  # noqa: E402
from letter_contexts import addressee_for, contexts  # noqa: E402
from letters import pki, rendering, signing  # noqa: E402
from letters.models import Letter, new_public_token  # noqa: E402
from letters.numbering import format_document_number  # noqa: E402
from letters.types import SPECS  # noqa: E402

SIGNED_TYPES = [code for code, spec in SPECS.items() if spec.signed]


def _fixtures():
    region = Region(code="540100", name="拉萨市")
    unit = Unit(code="bench-fgw", name="拉萨市发展和改革委员会", short_name="发改委", region=region,
                document_prefix="拉发改信用")
    subject = Subject(kind=Subject.Kind.LEGAL_PERSON, identifier_type=Subject.IdentifierType.USCC,
                      identifier=make_uscc("91", "540100", "MA6T2K8Q"), name="西藏雪域高原建筑工程有限公司",
                      legal_representative="张某某", address="拉萨市城关区北京中路88号")
    return unit, subject


def _letter(i: int, letter_type: str, unit, subject) -> Letter:
    today = dt.date.today()
    spec = SPECS[letter_type]
    return Letter(
        letter_type=letter_type, unit=unit, subject=subject, case_chain=f"bench:{i}", case_ref=f"BENCH-{i}",
        addressee=addressee_for(letter_type, subject, unit), context=contexts(today)[letter_type],
        year=today.year, number=i + 1, issue_date=today, public_token=new_public_token(),
        document_number=format_document_number(prefix=unit.document_prefix, marker=spec.marker, year=today.year,
                                                number=i + 1),
    )


def _produce(i: int, letter_type: str, unit, subject, out_dir: Path) -> tuple[float, float, float, int, int]:
    """One letter as the task makes it: (render s, sign s, store s, pages, bytes)."""
    letter = _letter(i, letter_type, unit, subject)
    t0 = time.perf_counter()
    rendered = rendering.render_letter(letter)
    t1 = time.perf_counter()
    signed = signing.get_signer().sign(rendered.pdf, unit=unit, seal=rendered.seal, reason=letter.title,
                                       location=unit.region.name)
    t2 = time.perf_counter()
    sha = hashlib.sha256(signed.pdf).hexdigest()
    (out_dir / f"{i}-{sha[:16]}.pdf").write_bytes(signed.pdf)
    t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2, rendered.page_count, len(signed.pdf)


def _worker(args):
    indices, letter_type, key_dir, media_root = args
    settings.LETTERS_KEY_DIR = key_dir
    settings.MEDIA_ROOT = media_root
    unit, subject = _fixtures()
    out_dir = Path(media_root) / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    # Warm-up: fonts, the seal appearance, the key: paid once per worker process.
    w0 = time.perf_counter()
    _produce(-1, letter_type or SIGNED_TYPES[0], unit, subject, out_dir)
    warmup = time.perf_counter() - w0
    started = time.perf_counter()
    results = [
        _produce(i, letter_type or SIGNED_TYPES[i % len(SIGNED_TYPES)], unit, subject, out_dir) for i in indices
    ]
    return warmup, started, time.perf_counter(), results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40, help="letters to produce (default 40)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes side by side (default 1)")
    parser.add_argument("--type", choices=SIGNED_TYPES, help="one letter type (default: every signed type in turn)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="letters-bench-") as tmp:
        key_dir, media_root = Path(tmp) / "keys", Path(tmp) / "media"
        ca, _ = pki.ensure_demo_ca(key_dir)
        unit, _subject = _fixtures()
        pki.issue_unit_credentials(ca, unit_code=unit.code, unit_name=unit.name, directory=key_dir)
        chunks = [list(range(w, args.count, args.workers)) for w in range(args.workers)]
        jobs = [(chunk, args.type, key_dir, media_root) for chunk in chunks]
        if args.workers == 1:
            outcomes = [_worker(jobs[0])]
        else:
            with ProcessPoolExecutor(args.workers, mp_context=multiprocessing.get_context("fork")) as pool:
                outcomes = list(pool.map(_worker, jobs))

    results = [r for _w, _s, _e, rs in outcomes for r in rs]
    wall = max(e for _w, _s, e, _r in outcomes) - min(s for _w, s, _e, _r in outcomes)
    render = [r[0] for r in results]
    sign = [r[1] for r in results]
    store = [r[2] for r in results]
    total = [a + b + c for a, b, c in zip(render, sign, store)]

    def ms(values, q=None):
        if q is None:
            return f"{statistics.mean(values) * 1000:7.1f}"
        return f"{statistics.quantiles(values, n=20)[q] * 1000:7.1f}" if len(values) >= 2 else ms(values)

    print(f"letters throughput — {platform.processor() or platform.machine()}, {os.cpu_count()} CPU(s), "
          f"Python {platform.python_version()}")
    print(f"letters: {len(results)}  workers: {args.workers}  type: {args.type or 'all signed types in turn'}  "
          f"pages/letter: {statistics.mean(r[3] for r in results):.1f}  "
          f"PDF size: {statistics.mean(r[4] for r in results) / 1024:.0f} KiB")
    print(f"warm-up per worker (fonts, seal, key): {statistics.mean(w for w, *_ in outcomes):.2f} s")
    print("per letter (ms)        mean     p50     p95")
    for name, values in (("render", render), ("sign", sign), ("hash+store", store), ("total", total)):
        print(f"  {name:<18}{ms(values)} {ms(values, 9)} {ms(values, 18)}")
    share = statistics.mean(render) / statistics.mean(total) * 100
    print(f"cost split: render {share:.0f}%, sign {statistics.mean(sign) / statistics.mean(total) * 100:.0f}%, "
          f"hash+store {statistics.mean(store) / statistics.mean(total) * 100:.0f}%")
    print(f"throughput: {len(results) / wall:.2f} letters/s  ({len(results)} in {wall:.1f} s wall)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

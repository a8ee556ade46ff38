"""Import speed and memory: the file collector against a naive pandas baseline.

Generates a CSV of N realistic rows (RedNote-like export: title + content, 万 counts,
mixed timestamps), then, each in its own process so peak memory is its own:
  - ours: ``FileCollector`` streaming into a fresh SQLite store (parsing, normalising,
    upserting, cursors, rejects; not the keyword search index, which is built after the
    import, as ``monitor import`` does after its summary);
  - naive: ``pandas.read_csv`` + ``DataFrame.to_sql`` into a fresh SQLite file.
Prints rows/s and peak RSS for both; the last line is machine-readable:
``ratio_vs_pandas=<float> peak_rss_mb=<int>`` (ours, ratio = our rows/s / pandas rows/s).
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = (
    "tiktok ban rednote 小红书 refugees supreme court congress privacy data creators cat tax "
    "欢迎 美国朋友 learning chinese app store lemon8 musk sale bytedance shop brands 你好 "
    "first amendment censorship executive order delay 75 days goes dark returns"
).split()


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["note_id", "title", "content", "create_time", "user_name", "liked_count", "comment_count"]
        )
        base = 1_735_689_600
        for i in range(rows):
            likes = rng.choice(
                (
                    str(rng.randint(0, 9999)),
                    f"{rng.randint(1, 99) / 10}万",
                    f"{rng.randint(1, 9)},{rng.randint(100, 999)}",
                )
            )
            when = base + rng.randint(0, 59 * 86400)
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(when)) if i % 3 else str(when * 1000)
            writer.writerow(
                [
                    f"n{i:09d}",
                    " ".join(rng.choices(WORDS, k=3)),
                    " ".join(rng.choices(WORDS, k=rng.randint(8, 40))),
                    stamp,
                    f"user{rng.randint(1, 50_000)}",
                    likes,
                    rng.randint(0, 500),
                ]
            )


def run_ours(csv_path: Path, db_path: Path) -> int:
    from collectors.files import FileCollector, FileOptions
    from monitor.sources import run_collector
    from monitor.store import Store

    store = Store(f"sqlite:///{db_path}")
    options = FileOptions(
        path=csv_path,
        platform="rednote",
        map={
            "text": "title+content",
            "created_at": "create_time",
            "id": "note_id",
            "likes": "liked_count",
            "author": "user_name",
            "replies": "comment_count",
        },
    )
    result, _ = run_collector(store, FileCollector("bench", options), "bench", use_saved_cursor=False)
    return result.new + result.updated + result.rejected


def run_naive(csv_path: Path, db_path: Path) -> int:
    import pandas as pd
    import sqlalchemy as sa

    frame = pd.read_csv(csv_path)
    engine = sa.create_engine(f"sqlite:///{db_path}")
    frame.to_sql("posts", engine, index=False, chunksize=10_000)
    return len(frame)


def child(method: str, csv_path: Path, db_path: Path) -> None:
    started = time.perf_counter()
    rows = {"ours": run_ours, "naive": run_naive}[method](csv_path, db_path)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{rows} {elapsed:.3f} {peak_mb:.0f}")


def measure(method: str, csv_path: Path, workdir: Path) -> tuple[int, float, float]:
    db_path = workdir / f"{method}.db"
    out = subprocess.run(
        [sys.executable, __file__, "--child", method, "--csv", str(csv_path), "--db", str(db_path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return int(out[0]), float(out[1]), float(out[2])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--child", choices=("ours", "naive"))
    parser.add_argument("--csv", type=Path)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.csv, args.db)
        return
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        workdir = Path(tmp)
        csv_path = workdir / "export.csv"
        write_csv(csv_path, args.rows)
        size_mb = csv_path.stat().st_size / 1e6
        print(f"{args.rows:,} rows, {size_mb:.0f} MB CSV")
        results = {}
        for method in ("naive", "ours"):
            rows, seconds, peak = measure(method, csv_path, workdir)
            results[method] = (rows / seconds, peak)
            print(
                f"{method:>6}: {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s, "
                f"peak RSS {peak:.0f} MB"
            )
    ratio = results["ours"][0] / results["naive"][0]
    print(f"ratio_vs_pandas={ratio:.2f} peak_rss_mb={results['ours'][1]:.0f}")


if __name__ == "__main__":
    main()

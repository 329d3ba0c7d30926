#!/usr/bin/python3
"""Export the ramiel model zoo to ONNX with random (but well-scaled) weights.

Usage:
    /usr/bin/python3 models/zoo.py --out DIR [NAME...]
    /usr/bin/python3 models/zoo.py --list

For each model NAME this writes

    DIR/NAME/model.onnx
    DIR/NAME/test_data_set_0/input_K.pb    (onnx TensorProto, one per graph input)
    DIR/NAME/test_data_set_0/output_K.pb   (PyTorch's reference output)

Models are exported at batch 1 with opset 13 and no dynamic axes.  Every model
has its own fixed seed, so it can be regenerated independently and always
gives the same bytes for the same torch/torchvision version.  A model whose
model.onnx and test_data_set_0/output_0.pb already exist is skipped
("NAME: cached"); a model is written into a temporary folder first and renamed
into place only when complete.

Weights are random (no downloads).  To keep activations in a sane range through
deep networks the BatchNorm layers are calibrated: gamma/beta are randomised,
then the running statistics are set from the batch statistics of a few random
input images (so they are non-trivial per-channel values that the exporter
folds into the preceding convolution rather than dropping).  Biases that
default to zero are randomised too, the classifier (last Linear) is scaled so
the logits have std ~1, and SqueezeNet (no BatchNorm) is rescaled layer by
layer (LSUV-style).  BERT uses the HuggingFace init (normal, std 0.02) with
random biases and LayerNorm affine parameters.
"""

import argparse
import inspect
import collections
import math
import os
import shutil
import sys
import time
import zlib

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F

OPSET = 13
BASE_SEED = 20240601


def model_seed(name):
    return (BASE_SEED + zlib.crc32(name.encode())) % (2 ** 31)


# ---------------------------------------------------------------------------
# Weight randomisation helpers (CNNs)
# ---------------------------------------------------------------------------

def randomise_cnn(model, calib_shape, gen):
    """Randomise biases and BatchNorm parameters, then calibrate running stats.

    gen: torch.Generator used for everything random here.
    """
    bns = []
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)) and m.bias is not None:
                # Zero-initialised biases would be fine for the exporter, but
                # random ones exercise the bias path of the runtime.
                m.bias.copy_(torch.randn(m.bias.shape, generator=gen) * 0.05)
            if isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(torch.empty(m.weight.shape).uniform_(0.5, 1.5, generator=gen))
                m.bias.copy_(torch.randn(m.bias.shape, generator=gen) * 0.1)
                bns.append(m)

    if bns:
        # Data-dependent calibration: in training mode every BN normalises with
        # the batch statistics, so downstream layers see unit-scale inputs; with
        # momentum=None the running stats become the (cumulative) batch stats.
        for m in bns:
            m.reset_running_stats()
            m.momentum = None
        model.train()
        with torch.no_grad():
            for _ in range(2):
                x = torch.randn(calib_shape, generator=gen)
                model(x)
        with torch.no_grad():
            for m in bns:
                m.momentum = 0.1
                # A mild per-channel perturbation so eval-mode BN is not an
                # exact copy of the calibration batch.
                m.running_var.mul_(torch.empty(m.running_var.shape).uniform_(0.8, 1.25, generator=gen))
                m.running_mean.add_(torch.randn(m.running_mean.shape, generator=gen)
                                    * 0.1 * m.running_var.sqrt())
    model.eval()
    return model


def normalise_head(model, calib_shape, gen, target_std=1.0):
    """Scale the last nn.Linear (the classifier) so the logits have ~target_std.

    Default classifier inits differ a lot (e.g. Inception v3 uses std 0.1 over
    2048 features, giving logits with std ~30; GoogLeNet std 0.01), which makes
    absolute-tolerance comparisons awkward.  Uses its own random input.
    """
    head = [m for m in model.modules() if isinstance(m, nn.Linear)][-1]
    model.eval()
    with torch.no_grad():
        y = model(torch.randn(calib_shape, generator=gen))
        std = y.std().item()
        if std > 0 and math.isfinite(std):
            head.weight.mul_(target_std / std)
            head.bias.mul_(target_std / std)
    return model


def rescale_plain(model, calib_shape, gen, target_std=1.0):
    """LSUV-style rescaling for networks without BatchNorm (SqueezeNet).

    Walks conv/linear layers in execution order and scales each one's weight and
    bias so that its output has roughly target_std on a random input.
    """
    layers = [m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    x = torch.randn(calib_shape, generator=gen)
    model.eval()
    with torch.no_grad():
        for layer in layers:
            captured = {}

            def hook(mod, inp, out):
                captured["out"] = out

            h = layer.register_forward_hook(hook)
            model(x)
            h.remove()
            std = captured["out"].std().item()
            if std > 0 and math.isfinite(std):
                s = target_std / std
                layer.weight.mul_(s)
                if layer.bias is not None:
                    layer.bias.mul_(s)
    return model


# ---------------------------------------------------------------------------
# torchvision models
# ---------------------------------------------------------------------------

def _tv():
    import torchvision.models as tvm
    return tvm


def make_squeezenet1_0(gen):
    m = _tv().squeezenet1_0(weights=None)
    shape = (1, 3, 224, 224)
    randomise_cnn(m, (4, 3, 224, 224), gen)
    # The classifier conv is initialised with std 0.01 and there is no BN, so
    # rescale layer by layer to keep the logits at unit scale.
    rescale_plain(m, (2, 3, 224, 224), gen)
    return m, [("input", torch.randn(shape, generator=gen))], ["output"]


def make_googlenet(gen):
    m = _tv().googlenet(weights=None, aux_logits=False, init_weights=True)
    randomise_cnn(m, (4, 3, 224, 224), gen)
    normalise_head(m, (2, 3, 224, 224), gen)
    return m, [("input", torch.randn((1, 3, 224, 224), generator=gen))], ["output"]


def make_inception_v3(gen):
    m = _tv().inception_v3(weights=None, aux_logits=False, init_weights=True)
    randomise_cnn(m, (4, 3, 299, 299), gen)
    normalise_head(m, (2, 3, 299, 299), gen)
    return m, [("input", torch.randn((1, 3, 299, 299), generator=gen))], ["output"]


def make_resnet50(gen):
    m = _tv().resnet50(weights=None)
    randomise_cnn(m, (4, 3, 224, 224), gen)
    normalise_head(m, (2, 3, 224, 224), gen)
    return m, [("input", torch.randn((1, 3, 224, 224), generator=gen))], ["output"]


def make_mobilenet_v2(gen):
    m = _tv().mobilenet_v2(weights=None)
    randomise_cnn(m, (4, 3, 224, 224), gen)
    normalise_head(m, (2, 3, 224, 224), gen)
    return m, [("input", torch.randn((1, 3, 224, 224), generator=gen))], ["output"]


# ---------------------------------------------------------------------------
# BERT-base encoder
# ---------------------------------------------------------------------------

class BertConfig:
    vocab_size = 30522
    hidden = 768
    layers = 12
    heads = 12
    ffn = 3072
    max_positions = 512
    type_vocab = 2
    seq_len = 128
    ln_eps = 1e-12


def gelu_erf(x):
    return x * 0.5 * (1.0 + torch.erf(x / math.sqrt(2.0)))


class BertSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads = c.heads
        self.head_dim = c.hidden // c.heads
        self.hidden = c.hidden
        self.query = nn.Linear(c.hidden, c.hidden)
        self.key = nn.Linear(c.hidden, c.hidden)
        self.value = nn.Linear(c.hidden, c.hidden)
        self.output = nn.Linear(c.hidden, c.hidden)
        self.ln = nn.LayerNorm(c.hidden, eps=c.ln_eps)

    def split(self, t, b, s):
        # [b, s, hidden] -> [b, heads, s, head_dim]
        return t.reshape(b, s, self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x, mask_bias):
        b, s = x.shape[0], x.shape[1]
        q = self.split(self.query(x), b, s)
        k = self.split(self.key(x), b, s)
        v = self.split(self.value(x), b, s)
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        scores = scores + mask_bias
        probs = torch.softmax(scores, dim=-1)
        ctx = torch.matmul(probs, v)                       # [b, heads, s, d]
        ctx = ctx.transpose(1, 2).reshape(b, s, self.hidden)
        return self.ln(self.output(ctx) + x)


class BertLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attn = BertSelfAttention(c)
        self.intermediate = nn.Linear(c.hidden, c.ffn)
        self.out = nn.Linear(c.ffn, c.hidden)
        self.ln = nn.LayerNorm(c.hidden, eps=c.ln_eps)

    def forward(self, x, mask_bias):
        a = self.attn(x, mask_bias)
        h = gelu_erf(self.intermediate(a))
        return self.ln(self.out(h) + a)


class BertEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word = nn.Embedding(c.vocab_size, c.hidden)
        self.position = nn.Embedding(c.max_positions, c.hidden)
        self.token_type = nn.Embedding(c.type_vocab, c.hidden)
        self.emb_ln = nn.LayerNorm(c.hidden, eps=c.ln_eps)
        self.layers = nn.ModuleList([BertLayer(c) for _ in range(c.layers)])
        self.register_buffer("position_ids", torch.arange(c.seq_len).unsqueeze(0), persistent=False)

    def forward(self, input_ids, attention_mask):
        s = input_ids.shape[1]
        pos = self.position_ids[:, :s]
        token_type_ids = torch.zeros_like(input_ids)
        x = self.word(input_ids) + self.position(pos) + self.token_type(token_type_ids)
        x = self.emb_ln(x)
        # HuggingFace-style extended mask: 0 where attended, -10000 where masked.
        mask = attention_mask[:, None, None, :].to(x.dtype)
        mask_bias = (1.0 - mask) * -10000.0
        for layer in self.layers:
            x = layer(x, mask_bias)
        return x


def make_bert(gen):
    c = BertConfig()
    m = BertEncoder(c)
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, nn.Linear):
                mod.weight.copy_(torch.randn(mod.weight.shape, generator=gen) * 0.02)
                mod.bias.copy_(torch.randn(mod.bias.shape, generator=gen) * 0.02)
            elif isinstance(mod, nn.Embedding):
                mod.weight.copy_(torch.randn(mod.weight.shape, generator=gen) * 0.02)
            elif isinstance(mod, nn.LayerNorm):
                mod.weight.copy_(torch.empty(mod.weight.shape).uniform_(0.8, 1.2, generator=gen))
                mod.bias.copy_(torch.randn(mod.bias.shape, generator=gen) * 0.05)
    m.eval()
    ids = torch.randint(0, c.vocab_size, (1, c.seq_len), generator=gen, dtype=torch.int64)
    mask = torch.ones((1, c.seq_len), dtype=torch.int64)
    mask[:, -16:] = 0
    return m, [("input_ids", ids), ("attention_mask", mask)], ["last_hidden_state"]


MODELS = collections.OrderedDict([
    ("squeezenet1_0", make_squeezenet1_0),
    ("googlenet", make_googlenet),
    ("inception_v3", make_inception_v3),
    ("resnet50", make_resnet50),
    ("mobilenet_v2", make_mobilenet_v2),
    ("bert", make_bert),
])


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------

def is_cached(out_dir, name):
    d = os.path.join(out_dir, name)
    return (os.path.isfile(os.path.join(d, "model.onnx"))
            and os.path.isfile(os.path.join(d, "test_data_set_0", "output_0.pb")))


def clean_stale_tmp(out_dir, name):
    """Remove temp folders left by killed runs (whose process is gone)."""
    prefix = ".%s.tmp-" % name
    for entry in os.listdir(out_dir):
        if not entry.startswith(prefix):
            continue
        try:
            pid = int(entry[len(prefix):])
            os.kill(pid, 0)
            alive = pid != os.getpid()
        except (ValueError, ProcessLookupError):
            alive = False
        except PermissionError:
            alive = True
        if not alive:
            shutil.rmtree(os.path.join(out_dir, entry), ignore_errors=True)


def write_tensor(path, array, name):
    t = onnx.numpy_helper.from_array(np.ascontiguousarray(array), name=name)
    with open(path, "wb") as f:
        f.write(t.SerializeToString())


def export_one(out_dir, name):
    t0 = time.time()
    seed = model_seed(name)
    torch.manual_seed(seed)
    np.random.seed(seed % (2 ** 32))
    gen = torch.Generator().manual_seed(seed)

    model, inputs, output_names = MODELS[name](gen)
    model.eval()
    input_names = [n for n, _ in inputs]
    args = tuple(t for _, t in inputs)

    with torch.no_grad():
        ref = model(*args)
    if isinstance(ref, torch.Tensor):
        ref = (ref,)
    ref = [r.detach().numpy() for r in ref]

    final = os.path.join(out_dir, name)
    clean_stale_tmp(out_dir, name)
    tmp = os.path.join(out_dir, ".%s.tmp-%d" % (name, os.getpid()))
    if os.path.exists(tmp):
        shutil.rmtree(tmp)
    os.makedirs(os.path.join(tmp, "test_data_set_0"))
    try:
        onnx_path = os.path.join(tmp, "model.onnx")
        with torch.no_grad():
            # torch >= 2.9 exports with dynamo by default; the zoo is defined by the TorchScript exporter.
            legacy_exporter = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
            torch.onnx.export(
                model, args, onnx_path,
                export_params=True,
                opset_version=OPSET,
                do_constant_folding=True,
                input_names=input_names,
                output_names=output_names,
                training=torch.onnx.TrainingMode.EVAL,
                **legacy_exporter,
            )
        onnx.checker.check_model(onnx_path)
        proto = onnx.load(onnx_path)
        graph_inputs = [i.name for i in proto.graph.input]
        graph_outputs = [o.name for o in proto.graph.output]
        if graph_inputs != input_names or graph_outputs != output_names:
            raise RuntimeError("%s: graph I/O %s -> %s, expected %s -> %s" % (
                name, graph_inputs, graph_outputs, input_names, output_names))
        for i, (n, t) in enumerate(inputs):
            write_tensor(os.path.join(tmp, "test_data_set_0", "input_%d.pb" % i), t.numpy(), n)
        for i, (n, r) in enumerate(zip(output_names, ref)):
            write_tensor(os.path.join(tmp, "test_data_set_0", "output_%d.pb" % i), r, n)

        if os.path.exists(final):
            shutil.rmtree(final)
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise

    dt = time.time() - t0
    ops = collections.Counter(n.op_type for n in proto.graph.node)
    n_init = len(proto.graph.initializer)
    size_mb = os.path.getsize(os.path.join(final, "model.onnx")) / 2 ** 20
    print("%s: exported in %.1fs (seed %d), %d nodes, %d initializers, %.1f MiB"
          % (name, dt, seed, len(proto.graph.node), n_init, size_mb))
    print("  ops: " + ", ".join("%s=%d" % kv for kv in sorted(ops.items())))
    for n, r in zip(output_names, ref):
        r64 = r.astype(np.float64)
        print("  output %s %s: mean_abs=%.4g std=%.4g min=%.4g max=%.4g"
              % (n, list(r.shape), np.abs(r64).mean(), r64.std(), r64.min(), r64.max()))
    sys.stdout.flush()
    return ops


def main(argv=None):
    p = argparse.ArgumentParser(description="Export the ramiel ONNX model zoo (random weights).")
    p.add_argument("--out", help="output folder (e.g. models/cache)")
    p.add_argument("--list", action="store_true", help="print the model names and exit")
    p.add_argument("names", nargs="*", metavar="NAME")
    a = p.parse_args(argv)

    if a.list:
        for n in MODELS:
            print(n)
        return 0
    if not a.out:
        print("zoo.py: --out DIR is required", file=sys.stderr)
        return 2
    unknown = [n for n in a.names if n not in MODELS]
    if unknown:
        print("zoo.py: unknown model %s (known: %s)" % (", ".join(unknown), ", ".join(MODELS)),
              file=sys.stderr)
        return 2

    names = a.names or list(MODELS)
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    all_ops = collections.Counter()
    for n in names:
        if is_cached(a.out, n):
            print("%s: cached" % n)
            continue
        all_ops.update(export_one(a.out, n))
    if all_ops:
        print("op types in exported models: " + " ".join(sorted(all_ops)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The PyTorch peer for Nucleon's GPU benchmarks: runs a graph written by `nucleon export` (ONNX opset 17)
with torch.nn.functional on the GPU, op by op in eager mode -- the same kernel calls an nn.Module with the
same layers makes -- so PyTorch and Nucleon time the same network with the same weights.

No onnx package is needed: the few protobuf fields our exporter writes are decoded here (NodeProto,
AttributeProto, TensorProto with raw_data). Only the ops OnnxExporter emits are supported; anything else
is an error naming the op.

  onnx_torch_peer.py check MODEL.onnx INPUT.f32 N C H W REFERENCE.f32   numpy run, compared with a reference
  onnx_torch_peer.py bench MODEL.onnx --batch 1 64 --size 256 [--json]  PyTorch + cuDNN timings (GPU)
  onnx_torch_peer.py sgemm 4096 [--json]                                torch.mm fp32 (cuBLAS) GFLOP/s

`check` runs with numpy alone (it validates the decoder and the graph wiring on a machine without torch).
"""
import argparse
import json
import statistics
import struct
import sys
import time

import numpy as np


# ----- a minimal protobuf reader ------------------------------------------------------------------------

def _varint(buf, i):
    shift = value = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, i
        shift += 7


def fields(buf):
    """(field number, wire type, value) for each field of a message; value is int or bytes."""
    i, n = 0, len(buf)
    while i < n:
        key, i = _varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(buf, i)
        elif wire == 1:
            value, i = buf[i:i + 8], i + 8
        elif wire == 2:
            length, i = _varint(buf, i)
            value, i = buf[i:i + length], i + length
        elif wire == 5:
            value, i = buf[i:i + 4], i + 4
        else:
            raise ValueError(f"protobuf wire type {wire} not supported")
        yield number, wire, value


def _signed(v):
    return v - (1 << 64) if v >= 1 << 63 else v


def _ints(wire, value):
    if wire == 0:
        return [_signed(value)]
    out, i = [], 0  # packed
    while i < len(value):
        v, i = _varint(value, i)
        out.append(_signed(v))
    return out


def attribute(buf):
    name, ints, f, s, i = None, [], None, None, None
    for number, wire, value in fields(buf):
        if number == 1:
            name = value.decode()
        elif number == 2:
            f = struct.unpack("<f", value)[0]
        elif number == 3:
            i = _signed(value)
        elif number == 4:
            s = value.decode()
        elif number == 8:
            ints += _ints(wire, value)
    if ints:
        return name, ints
    for v in (f, i, s):
        if v is not None:
            return name, v
    return name, None


def tensor(buf):
    dims, name, raw, floats = [], None, None, []
    for number, wire, value in fields(buf):
        if number == 1:
            dims += _ints(wire, value)
        elif number == 2 and value != 1:
            raise ValueError(f"initializer data type {value} (only FLOAT supported)")
        elif number == 8:
            name = value.decode()
        elif number == 9:
            raw = value
        elif number == 4:
            floats += list(struct.unpack(f"<{len(value) // 4}f", value)) if wire == 2 else [struct.unpack("<f", value)[0]]
    data = np.frombuffer(raw, dtype="<f4") if raw is not None else np.array(floats, dtype=np.float32)
    return name, data.reshape(dims).astype(np.float32)


def load(path):
    """(nodes, initializers, input name, output name) of an ONNX model file."""
    with open(path, "rb") as fh:
        model = fh.read()
    graph = next(v for n, w, v in fields(model) if n == 7)
    nodes, inits, inputs, outputs = [], {}, [], []
    for number, wire, value in fields(graph):
        if number == 1:
            ins, outs, op, attrs = [], [], None, {}
            for n, w, v in fields(value):
                if n == 1:
                    ins.append(v.decode())
                elif n == 2:
                    outs.append(v.decode())
                elif n == 4:
                    op = v.decode()
                elif n == 5:
                    k, a = attribute(v)
                    attrs[k] = a
            nodes.append((op, ins, outs, attrs))
        elif number == 5:
            k, t = tensor(value)
            inits[k] = t
        elif number == 11:
            inputs.append(next(v.decode() for n, w, v in fields(value) if n == 1))
        elif number == 12:
            outputs.append(next(v.decode() for n, w, v in fields(value) if n == 1))
    graph_inputs = [i for i in inputs if i not in inits]
    return nodes, inits, graph_inputs[0], outputs[0]


# ----- the interpreter, over a small op table (numpy or torch) --------------------------------------------

def run(graph, x, ops):
    nodes, inits, input_name, output_name = graph
    values = dict(inits)
    values[input_name] = x
    values[""] = None
    for op, ins, outs, attrs in nodes:
        fn = ops.get(op)
        if fn is None:
            raise ValueError(f"op {op} is not supported by this peer")
        values[outs[0]] = fn([values[i] for i in ins], attrs)
    return values[output_name]


def same_upper(size, kernel, stride, dilation):
    out = -(-size // stride)
    total = max(0, (out - 1) * stride + dilation * (kernel - 1) + 1 - size)
    return total // 2, total - total // 2


def numpy_ops():
    from numpy.lib.stride_tricks import sliding_window_view

    def pad_amounts(x, a):
        k, s, d = a["kernel_shape"], a.get("strides", [1, 1]), a.get("dilations", [1, 1])
        if a.get("auto_pad") == "SAME_UPPER":
            (t, b), (l, r) = same_upper(x.shape[2], k[0], s[0], d[0]), same_upper(x.shape[3], k[1], s[1], d[1])
            return t, l, b, r
        return tuple(a.get("pads", [0, 0, 0, 0]))

    def conv(v, a):
        x, w = v[0], v[1]
        g, (sh, sw), (dh, dw) = a.get("group", 1), a.get("strides", [1, 1]), a.get("dilations", [1, 1])
        t, l, b, r = pad_amounts(x, a)
        xp = np.pad(x, ((0, 0), (0, 0), (t, b), (l, r)))
        kh, kw = w.shape[2], w.shape[3]
        win = sliding_window_view(xp, ((kh - 1) * dh + 1, (kw - 1) * dw + 1), axis=(2, 3))[:, :, ::sh, ::sw, ::dh, ::dw]
        cg, og = x.shape[1] // g, w.shape[0] // g
        y = np.concatenate([np.einsum("nchwij,ocij->nohw", win[:, k * cg:(k + 1) * cg], w[k * og:(k + 1) * og],
                                      optimize=True) for k in range(g)], axis=1)
        return y + v[2].reshape(1, -1, 1, 1) if len(v) > 2 and v[2] is not None else y

    def conv_transpose(v, a):
        x, w = v[0], v[1]
        (sh, sw), (t, l, b, r) = a.get("strides", [1, 1]), a.get("pads", [0, 0, 0, 0])
        oph, opw = a.get("output_padding", [0, 0])
        if a.get("group", 1) != 1 or a.get("dilations", [1, 1]) != [1, 1]:
            raise ValueError("numpy ConvTranspose: groups/dilation not supported")
        n, c, h, wd = x.shape
        kh, kw = w.shape[2], w.shape[3]
        full = np.zeros((n, w.shape[1], (h - 1) * sh + kh + oph, (wd - 1) * sw + kw + opw), np.float32)
        for i in range(kh):
            for j in range(kw):
                full[:, :, i:i + (h - 1) * sh + 1:sh, j:j + (wd - 1) * sw + 1:sw] += np.einsum("nchw,co->nohw", x, w[:, :, i, j])
        y = full[:, :, t:full.shape[2] - b, l:full.shape[3] - r]
        return y + v[2].reshape(1, -1, 1, 1) if len(v) > 2 and v[2] is not None else y

    def batchnorm(v, a):
        x, gamma, beta, mean, var = v
        shape = (1, -1, 1, 1)
        return (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + a.get("epsilon", 1e-5)) * gamma.reshape(shape) + beta.reshape(shape)

    def pool(v, a, reduce):
        x = v[0]
        (kh, kw), (sh, sw) = a["kernel_shape"], a.get("strides", a["kernel_shape"])
        t, l, b, r = a.get("pads", [0, 0, 0, 0])
        if t or l or b or r:
            raise ValueError("numpy pooling: padding not supported")
        return reduce(sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw], axis=(4, 5))

    def resize(v, a):
        x, scales = v[0], v[2]
        fh, fw = int(round(scales[2])), int(round(scales[3]))
        if a.get("mode") == "nearest":
            return x.repeat(fh, axis=2).repeat(fw, axis=3)
        raise ValueError("numpy Resize: only nearest is supported")

    def elu(v, a):
        alpha = a.get("alpha", 1.0)
        return np.where(v[0] > 0, v[0], alpha * np.expm1(np.minimum(v[0], 0)))

    def softmax(v, a):
        e = np.exp(v[0] - v[0].max(axis=a.get("axis", -1), keepdims=True))
        return e / e.sum(axis=a.get("axis", -1), keepdims=True)

    return {
        "Conv": conv, "ConvTranspose": conv_transpose, "BatchNormalization": batchnorm,
        "Relu": lambda v, a: np.maximum(v[0], 0), "Elu": elu,
        "LeakyRelu": lambda v, a: np.where(v[0] > 0, v[0], a.get("alpha", 0.01) * v[0]),
        "Sigmoid": lambda v, a: 1 / (1 + np.exp(-v[0])), "Softmax": softmax,
        "MaxPool": lambda v, a: pool(v, a, np.max), "AveragePool": lambda v, a: pool(v, a, np.mean),
        "Resize": resize, "Concat": lambda v, a: np.concatenate(v, axis=a["axis"]),
        "Identity": lambda v, a: v[0], "Add": lambda v, a: v[0] + v[1], "Sub": lambda v, a: v[0] - v[1],
        "Mul": lambda v, a: v[0] * v[1], "Div": lambda v, a: v[0] / v[1],
    }


def torch_ops(torch):
    F = torch.nn.functional

    def padded(x, a):
        k, s, d = a["kernel_shape"], a.get("strides", [1, 1]), a.get("dilations", [1, 1])
        if a.get("auto_pad") == "SAME_UPPER":
            (t, b), (l, r) = same_upper(x.shape[2], k[0], s[0], d[0]), same_upper(x.shape[3], k[1], s[1], d[1])
        else:
            t, l, b, r = a.get("pads", [0, 0, 0, 0])
        if t == b and l == r:
            return x, (t, l)
        return F.pad(x, (l, r, t, b)), (0, 0)

    def conv(v, a):
        x, pad = padded(v[0], a)
        return F.conv2d(x, v[1], v[2] if len(v) > 2 else None, tuple(a.get("strides", [1, 1])), pad,
                        tuple(a.get("dilations", [1, 1])), a.get("group", 1))

    def conv_transpose(v, a):
        t, l, b, r = a.get("pads", [0, 0, 0, 0])
        return F.conv_transpose2d(v[0], v[1], v[2] if len(v) > 2 else None, tuple(a.get("strides", [1, 1])), (t, l),
                                  tuple(a.get("output_padding", [0, 0])), a.get("group", 1), tuple(a.get("dilations", [1, 1])))

    def pool(v, a, fn, **kw):
        t, l, b, r = a.get("pads", [0, 0, 0, 0])
        return fn(v[0], tuple(a["kernel_shape"]), tuple(a.get("strides", a["kernel_shape"])), (t, l), **kw)

    def resize(v, a):
        s = v[2].tolist()
        if a.get("mode") == "nearest":
            return F.interpolate(v[0], scale_factor=(s[2], s[3]), mode="nearest")
        return F.interpolate(v[0], scale_factor=(s[2], s[3]), mode="bilinear", align_corners=False)

    return {
        "Conv": conv, "ConvTranspose": conv_transpose,
        "BatchNormalization": lambda v, a: F.batch_norm(v[0], v[3], v[4], v[1], v[2], False, 0.0, a.get("epsilon", 1e-5)),
        "Relu": lambda v, a: F.relu(v[0]), "Elu": lambda v, a: F.elu(v[0], a.get("alpha", 1.0)),
        "LeakyRelu": lambda v, a: F.leaky_relu(v[0], a.get("alpha", 0.01)),
        "Sigmoid": lambda v, a: torch.sigmoid(v[0]), "Softmax": lambda v, a: torch.softmax(v[0], a.get("axis", -1)),
        "MaxPool": lambda v, a: pool(v, a, F.max_pool2d),
        "AveragePool": lambda v, a: pool(v, a, F.avg_pool2d, count_include_pad=bool(a.get("count_include_pad", 0))),
        "Resize": resize, "Concat": lambda v, a: torch.cat(v, dim=a["axis"]),
        "Identity": lambda v, a: v[0], "Add": lambda v, a: v[0] + v[1], "Sub": lambda v, a: v[0] - v[1],
        "Mul": lambda v, a: v[0] * v[1], "Div": lambda v, a: v[0] / v[1],
    }


# ----- commands -----------------------------------------------------------------------------------------

def check(args):
    graph = load(args.model)
    x = np.fromfile(args.input, dtype="<f4").reshape(args.shape)
    ref = np.fromfile(args.reference, dtype="<f4")
    y = run(graph, x, numpy_ops()).astype(np.float32).ravel()
    err = float(np.max(np.abs(y - ref) / np.maximum(1, np.abs(ref))))
    print(f"check: {len(graph[0])} nodes, {len(graph[1])} initializers; max |numpy - reference| / max(1, |ref|) = {err:.3g}")
    return 0 if err <= 1e-4 else 1


def timed(torch, fn, warmup, repeats):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeats):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def bench(args):
    import torch
    torch.backends.cudnn.benchmark = True
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    nodes, inits, i, o = load(args.model)
    dev = torch.device("cuda")
    graph = (nodes, {k: torch.from_numpy(v.copy()).to(dev) for k, v in inits.items()}, i, o)
    ops = torch_ops(torch)
    channels = next(v for op, ins, outs, a in nodes if op == "Conv" for v in [inits[ins[1]].shape[1] * a.get("group", 1)])
    for batch in args.batch:
        x = torch.rand(batch, channels, args.size, args.size, device=dev)
        with torch.no_grad():
            ms = timed(torch, lambda: run(graph, x, ops), args.warmup, args.repeats)
        row = {"peer": "pytorch", "version": torch.__version__, "cudnn": torch.backends.cudnn.version(),
               "device": torch.cuda.get_device_name(), "model": args.model, "batch": batch, "size": args.size,
               "ms_per_batch": ms, "ms_per_patch": ms / batch, "patches_per_s": 1000 * batch / ms}
        print(json.dumps(row) if args.json else f"pytorch {batch}x{channels}x{args.size}^2: {ms / batch:.3f} ms/patch "
              f"({1000 * batch / ms:.1f} patches/s)")
    return 0


def sgemm(args):
    import torch
    torch.backends.cuda.matmul.allow_tf32 = False
    n = args.n
    a, b = torch.rand(n, n, device="cuda"), torch.rand(n, n, device="cuda")
    ms = timed(torch, lambda: torch.mm(a, b), 5, 20)
    row = {"peer": "pytorch-cublas", "n": n, "ms": ms, "gflops": 2 * n ** 3 / ms / 1e6, "device": torch.cuda.get_device_name()}
    print(json.dumps(row) if args.json else f"torch.mm fp32 {n}^3: {ms:.3f} ms, {row['gflops']:.0f} GFLOP/s")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check")
    c.add_argument("model")
    c.add_argument("input")
    c.add_argument("shape", nargs=4, type=int)
    c.add_argument("reference")
    b = sub.add_parser("bench")
    b.add_argument("model")
    b.add_argument("--batch", nargs="+", type=int, default=[1, 64])
    b.add_argument("--size", type=int, default=256)
    b.add_argument("--warmup", type=int, default=10)
    b.add_argument("--repeats", type=int, default=50)
    b.add_argument("--json", action="store_true")
    s = sub.add_parser("sgemm")
    s.add_argument("n", type=int)
    s.add_argument("--json", action="store_true")
    args = p.parse_args()
    return {"check": check, "bench": bench, "sgemm": sgemm}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())

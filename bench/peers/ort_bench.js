#!/usr/bin/env node
// Time an ONNX model with ONNX Runtime (onnxruntime-node, CPU) as a peer
// baseline for ramiel.
//
//   node bench/peers/ort_bench.js MODEL.onnx [--threads N] [--repeat R]
//        [--warmup W] [--inputs DIR] [--int-high H] [--json]
//
// --inputs DIR  a test_data_set folder: input_K.pb (ONNX TensorProto) are fed
//               to the model; output_K.pb, when present, are compared with
//               ORT's outputs (max abs diff is reported).
// Without --inputs, inputs are random with the model's declared shapes and
// types (symbolic dims become 1; floats ~ N(0,1); ints uniform in [0, H),
// H = --int-high, default 2, which is valid for masks and embedding ids).
//
// Run bench/peers/setup.sh first (installs onnxruntime-node).
'use strict';

const fs = require('fs');
const path = require('path');

function usage(msg) {
  if (msg) process.stderr.write(`ort_bench: ${msg}\n`);
  process.stderr.write('usage: node ort_bench.js MODEL.onnx [--threads N] [--repeat R] ' +
    '[--warmup W] [--inputs DIR] [--int-high H] [--json]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const a = { model: null, threads: 1, repeat: 20, warmup: 3, inputs: null, intHigh: 2, json: false };
  const intArg = (name, v, min) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) usage(`${name} needs an integer >= ${min}, got '${v}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) usage(`${s} needs a value`);
      return argv[++i];
    };
    if (s === '--threads') a.threads = intArg(s, next(), 1);
    else if (s === '--repeat') a.repeat = intArg(s, next(), 1);
    else if (s === '--warmup') a.warmup = intArg(s, next(), 0);
    else if (s === '--inputs') a.inputs = next();
    else if (s === '--int-high') a.intHigh = intArg(s, next(), 1);
    else if (s === '--json') a.json = true;
    else if (s === '-h' || s === '--help') usage();
    else if (s.startsWith('-')) usage(`unknown option ${s}`);
    else if (a.model === null) a.model = s;
    else usage(`unexpected argument ${s}`);
  }
  if (a.model === null) usage('missing MODEL.onnx');
  return a;
}

// ---------------------------------------------------------------------------
// Minimal protobuf decoding of onnx.TensorProto
// ---------------------------------------------------------------------------

// ONNX TensorProto.DataType -> [ort type name, typed array ctor, bytes/elt]
const DTYPES = {
  1: ['float32', Float32Array, 4],
  2: ['uint8', Uint8Array, 1],
  3: ['int8', Int8Array, 1],
  4: ['uint16', Uint16Array, 2],
  5: ['int16', Int16Array, 2],
  6: ['int32', Int32Array, 4],
  7: ['int64', BigInt64Array, 8],
  9: ['bool', Uint8Array, 1],
  10: ['float16', Uint16Array, 2],
  11: ['float64', Float64Array, 8],
  12: ['uint32', Uint32Array, 4],
  13: ['uint64', BigUint64Array, 8],
};

class Reader {
  constructor(buf, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }
  done() { return this.pos >= this.end; }
  varint() { // as BigInt (int64 values may use all 64 bits)
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
      shift += 7n;
      if (shift > 63n) throw new Error('varint too long');
    }
    return result;
  }
  bytes() {
    const n = Number(this.varint());
    if (this.pos + n > this.end) throw new Error('truncated field');
    const start = this.pos;
    this.pos += n;
    return [start, this.pos];
  }
  skip(wire) {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

function copyBytes(buf, start, end) {
  // Fresh, aligned copy so typed arrays can view it.
  const out = new Uint8Array(end - start);
  out.set(buf.subarray(start, end));
  return out;
}

function decodeTensorProto(buf) {
  const r = new Reader(buf);
  const t = { dims: [], dataType: 0, name: '', raw: null, floats: [], ints32: [], ints64: [], doubles: [] };
  // Reads a repeated scalar field, packed (wire 2) or not.
  const repeated = (wire, readOne, width, sink) => {
    if (wire === 2) {
      const [s, e] = r.bytes();
      const sub = new Reader(buf, s, e);
      while (!sub.done()) sink.push(readOne(sub, width));
    } else {
      sink.push(readOne(r, width));
    }
  };
  const rdVarint = (rr) => rr.varint();
  const rdFixed = (rr, width) => {
    const v = width === 4 ? buf.readFloatLE(rr.pos) : buf.readDoubleLE(rr.pos);
    rr.pos += width;
    return v;
  };
  while (!r.done()) {
    const key = Number(r.varint());
    const field = key >>> 3;
    const wire = key & 7;
    switch (field) {
      case 1: repeated(wire, rdVarint, 0, t.dims); break;
      case 2: t.dataType = Number(r.varint()); break;
      case 4: repeated(wire, rdFixed, 4, t.floats); break;
      case 5: repeated(wire, rdVarint, 0, t.ints32); break;
      case 7: repeated(wire, rdVarint, 0, t.ints64); break;
      case 8: { const [s, e] = r.bytes(); t.name = buf.toString('utf8', s, e); break; }
      case 9: { const [s, e] = r.bytes(); t.raw = copyBytes(buf, s, e); break; }
      case 10: repeated(wire, rdFixed, 8, t.doubles); break;
      case 13: throw new Error('tensors with external data are not supported');
      default: r.skip(wire);
    }
  }
  const dims = t.dims.map((d) => Number(BigInt.asIntN(64, d)));
  const dt = DTYPES[t.dataType];
  if (!dt) throw new Error(`unsupported TensorProto data_type ${t.dataType}`);
  const [type, Ctor, width] = dt;
  const count = dims.reduce((x, y) => x * y, 1);
  let data;
  if (t.raw !== null) {
    if (t.raw.length !== count * width) {
      throw new Error(`raw_data has ${t.raw.length} bytes, expected ${count * width}`);
    }
    data = new Ctor(t.raw.buffer, 0, count);
  } else {
    data = new Ctor(count);
    let src;
    if (t.dataType === 1) src = t.floats;
    else if (t.dataType === 11) src = t.doubles;
    else if (t.dataType === 7) src = t.ints64.map((v) => BigInt.asIntN(64, v));
    else if (t.dataType === 13) src = t.ints64.map((v) => BigInt.asUintN(64, v)); // uint64 uses uint64_data(11); rare
    else src = t.ints32.map((v) => Number(BigInt.asIntN(32, v)));
    if (src.length !== count) throw new Error(`tensor ${t.name}: ${src.length} values, expected ${count}`);
    for (let i = 0; i < count; i++) data[i] = src[i];
  }
  return { name: t.name, type, dims, data };
}

function readTensorFile(file) {
  return decodeTensorProto(fs.readFileSync(file));
}

// ---------------------------------------------------------------------------

function numberedFiles(dir, prefix) {
  const out = [];
  for (let i = 0; ; i++) {
    const f = path.join(dir, `${prefix}_${i}.pb`);
    if (!fs.existsSync(f)) break;
    out.push(f);
  }
  return out;
}

function randn() {
  let u = 0;
  while (u === 0) u = Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * Math.random());
}

function randomTensor(ort, meta, intHigh) {
  const dims = meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : 1));
  const count = dims.reduce((x, y) => x * y, 1);
  let data;
  switch (meta.type) {
    case 'float32': data = Float32Array.from({ length: count }, randn); break;
    case 'float64': data = Float64Array.from({ length: count }, randn); break;
    case 'int64': data = BigInt64Array.from({ length: count }, () => BigInt(Math.floor(Math.random() * intHigh))); break;
    case 'int32': data = Int32Array.from({ length: count }, () => Math.floor(Math.random() * intHigh)); break;
    case 'bool': data = Uint8Array.from({ length: count }, () => (Math.random() < 0.5 ? 1 : 0)); break;
    default: throw new Error(`random input of type ${meta.type} not supported; use --inputs`);
  }
  return new ort.Tensor(meta.type, data, dims);
}

function maxAbsDiff(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(Number(a[i]) - Number(b[i]));
    if (!(d <= m)) m = d; // NaN propagates
  }
  return m;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  let ort;
  try {
    ort = require('onnxruntime-node');
  } catch (e) {
    process.stderr.write(`ort_bench: cannot load onnxruntime-node (${e.message}); run bench/peers/setup.sh\n`);
    process.exit(2);
  }
  if (!fs.existsSync(args.model)) usage(`no such model ${args.model}`);

  const session = await ort.InferenceSession.create(args.model, {
    intraOpNumThreads: args.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });

  const feeds = {};
  const refs = [];
  if (args.inputs) {
    const files = numberedFiles(args.inputs, 'input');
    if (files.length === 0) usage(`no input_0.pb in ${args.inputs}`);
    if (files.length !== session.inputNames.length) {
      throw new Error(`${files.length} input files but the model has ${session.inputNames.length} inputs`);
    }
    files.forEach((f, i) => {
      const t = readTensorFile(f);
      const name = session.inputNames.includes(t.name) ? t.name : session.inputNames[i];
      feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
    });
    for (const f of numberedFiles(args.inputs, 'output')) refs.push(readTensorFile(f));
  } else {
    for (const meta of session.inputMetadata) {
      if (!meta.isTensor) throw new Error(`input ${meta.name} is not a tensor`);
      feeds[meta.name] = randomTensor(ort, meta, args.intHigh);
    }
  }

  let results = null;
  for (let i = 0; i < args.warmup; i++) results = await session.run(feeds);
  const times = [];
  for (let i = 0; i < args.repeat; i++) {
    const t0 = process.hrtime.bigint();
    results = await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }

  let diff = null;
  if (refs.length) {
    diff = 0;
    refs.forEach((ref, i) => {
      const name = session.outputNames.includes(ref.name) ? ref.name : session.outputNames[i];
      const got = results[name];
      if (!got) throw new Error(`model has no output ${name}`);
      const shapeOk = got.dims.length === ref.dims.length && got.dims.every((d, k) => d === ref.dims[k]);
      if (!shapeOk) throw new Error(`output ${name}: shape [${got.dims}] vs reference [${ref.dims}]`);
      const d = maxAbsDiff(got.data, ref.data);
      diff = Number.isNaN(d) || Number.isNaN(diff) ? NaN : Math.max(diff, d);
    });
  }

  const sorted = [...times].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const min = sorted[0];
  const round = (x) => Math.round(x * 1000) / 1000;

  if (args.json) {
    const o = { model: args.model, threads: args.threads, median_ms: round(median), min_ms: round(min), runs: times.length };
    if (diff !== null) o.max_abs_diff = diff;
    process.stdout.write(JSON.stringify(o) + '\n');
  } else {
    let line = `${args.model}: threads=${args.threads} runs=${times.length} median=${median.toFixed(3)} ms min=${min.toFixed(3)} ms`;
    if (diff !== null) line += ` max_abs_diff=${diff.toExponential(3)}`;
    process.stdout.write(line + '\n');
  }
}

main().catch((e) => {
  process.stderr.write(`ort_bench: ${e && e.message ? e.message : e}\n`);
  process.exit(1);
});

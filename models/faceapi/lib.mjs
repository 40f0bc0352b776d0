// Shared helpers for the face-api.js scorers: backend set-up, model loading, PNG decoding, label mapping, metrics.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Our labels, in the project's order. */
export const LABELS = ['neutral', 'happy', 'sad', 'angry', 'surprised'];
/** face-api's seven outputs, in its order (src/faceExpressionNet/FaceExpressions.ts). */
export const FACEAPI_LABELS = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'];
/** Index in face-api's output of each of our labels. */
export const OUR_TO_RAW = LABELS.map((l) => FACEAPI_LABELS.indexOf(l));

export const CSV_HEADER_PROBS = [...LABELS, ...FACEAPI_LABELS.map((l) => `raw_${l}`)];

/**
 * Loads tfjs + the WASM backend (from local node_modules, no network) and face-api's node-wasm build.
 * threads: 1 forces the single-threaded SIMD binary; >1 asks for the threaded binary with that many workers.
 */
export async function initFaceApi({ threads = 1, nets = ['faceExpressionNet'] } = {}) {
  const tf = require('@tensorflow/tfjs');
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
  const wasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
  wasm.setWasmPaths(wasmDir, false); // false: emscripten reads the .wasm with fs (Node fetch cannot read files)
  if (threads <= 1) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  } else {
    wasm.setThreadsCount(threads);
  }
  const ok = await tf.setBackend('wasm');
  if (!ok) throw new Error('could not initialise the tfjs wasm backend');
  await tf.ready();
  const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  for (const n of nets) await faceapi.nets[n].loadFromDisk(modelDir);
  if (threads > 1 && wasm.getThreadsCount() <= 1) {
    console.error(`warning: ${threads} threads asked for, but the tfjs wasm backend has no multithread support in `
      + 'this runtime (WASM_HAS_MULTITHREAD_SUPPORT is false in Node); running on one thread');
  }
  const info = {
    faceapi: faceapi.version,
    tfjs: tf.version_core,
    backend: tf.getBackend(),
    simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    multithread: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
    threads: wasm.getThreadsCount(),
  };
  return { tf, faceapi, info, modelDir };
}

/** Decodes a PNG (any colour type) to a single gray plane Uint8Array (luma for colour images). */
export function readGrayPng(file) {
  const { PNG } = require('pngjs');
  const png = PNG.sync.read(fs.readFileSync(file));
  const { width, height, data } = png; // RGBA, 8 bit
  const gray = new Uint8Array(width * height);
  for (let i = 0, j = 0; i < gray.length; i += 1, j += 4) {
    const r = data[j]; const g = data[j + 1]; const b = data[j + 2];
    gray[i] = (r === g && g === b) ? r : Math.round(0.299 * r + 0.587 * g + 0.114 * b);
  }
  return { width, height, gray };
}

/** Gray plane -> [h, w, 3] float32 tensor, 0..255, the gray value replicated to R, G, B. */
export function grayToTensor3(tf, { width, height, gray }) {
  const rgb = new Float32Array(width * height * 3);
  for (let i = 0; i < gray.length; i += 1) {
    const v = gray[i];
    rgb[3 * i] = v; rgb[3 * i + 1] = v; rgb[3 * i + 2] = v;
  }
  return tf.tensor3d(rgb, [height, width, 3], 'float32');
}

/** Seven raw face-api probabilities -> our five, renormalised to sum to 1. */
export function renormalise(raw) {
  const five = OUR_TO_RAW.map((k) => raw[k]);
  const s = five.reduce((a, b) => a + b, 0);
  return five.map((v) => (s > 0 ? v / s : 1 / five.length));
}

export function fmt(v) {
  return Number.isFinite(v) ? v.toPrecision(6) : 'NaN';
}

export function argmaxAmong(probs, allowedIdx) {
  let best = allowedIdx[0];
  for (const i of allowedIdx) if (probs[i] > probs[best]) best = i;
  return best;
}

/** Accuracy, balanced accuracy, per-class recall, confusion matrix (rows true, cols predicted, LABELS order). */
export function summarise(rows, allowedIdx) {
  const n = LABELS.length;
  const cm = Array.from({ length: n }, () => new Array(n).fill(0));
  let correct = 0;
  for (const { trueIdx, probs } of rows) {
    const p = argmaxAmong(probs, allowedIdx);
    cm[trueIdx][p] += 1;
    if (p === trueIdx) correct += 1;
  }
  const perClassRecall = {};
  const support = {};
  const recalls = [];
  LABELS.forEach((l, i) => {
    const tot = cm[i].reduce((a, b) => a + b, 0);
    support[l] = tot;
    if (tot > 0) {
      perClassRecall[l] = cm[i][i] / tot;
      recalls.push(perClassRecall[l]);
    }
  });
  return {
    predicted_among: allowedIdx.map((i) => LABELS[i]),
    count: rows.length,
    accuracy: rows.length ? correct / rows.length : null,
    balanced_accuracy: recalls.length ? recalls.reduce((a, b) => a + b, 0) / recalls.length : null,
    per_class_recall: perClassRecall,
    support,
    confusion_matrix: { labels: LABELS, rows_true_cols_predicted: cm },
  };
}

export function parseArgs(argv, spec) {
  // spec: { name: default }; flags given as --name value (booleans as --name)
  const out = { ...spec, _: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const key = a.slice(2);
      if (!(key in spec)) throw new Error(`unknown option ${a}`);
      if (typeof spec[key] === 'boolean') out[key] = true;
      else {
        if (i + 1 >= argv.length) throw new Error(`option ${a} needs a value`);
        out[key] = typeof spec[key] === 'number' ? Number(argv[++i]) : argv[++i];
      }
    } else out._.push(a);
  }
  return out;
}

export { HERE };

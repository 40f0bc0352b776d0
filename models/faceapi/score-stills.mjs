#!/usr/bin/env node
// Scores labelled 48x48 stills (<folder>/<class>/<image>.png) with face-api.js's expression net alone.
//
// Usage: node score-stills.mjs <folder> --out probs.csv [--summary summary.json] [--list list.txt]
//                              [--threads 1] [--batch 8] [--limit N]
//
// Each still is fed to faceExpressionNet the way face-api feeds it a face crop: an [h, w, 3] tensor, 0..255, gray
// replicated to R, G, B; inside, face-api pads it to a square, resizes it bilinearly to 112x112, subtracts its mean
// RGB and divides by 255 (src/dom/NetInput.ts toBatchTensor, src/faceFeatureExtractor/FaceFeatureExtractor.ts).
import fs from 'node:fs';
import path from 'node:path';
import {
  LABELS, FACEAPI_LABELS, CSV_HEADER_PROBS, initFaceApi, readGrayPng, grayToTensor3, renormalise, fmt, summarise,
  parseArgs,
} from './lib.mjs';

const IMAGE_EXT = /\.(png)$/i;

function usage(msg) {
  if (msg) console.error(`error: ${msg}`);
  console.error('usage: node score-stills.mjs <folder> --out probs.csv [--summary summary.json] [--list list.txt] '
    + '[--threads 1] [--batch 8] [--limit N]');
  process.exit(2);
}

function listImages(folder, listFile) {
  if (listFile) {
    const rels = fs.readFileSync(listFile, 'utf8').split(/\r?\n/)
      .map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    const out = [];
    const skipped = new Set();
    for (const rel of rels) {
      const cls = rel.split('/')[0];
      if (!LABELS.includes(cls)) { skipped.add(cls); continue; }
      const abs = path.join(folder, rel);
      if (!fs.existsSync(abs)) throw new Error(`listed image missing: ${abs}`);
      out.push({ rel, cls, abs });
    }
    if (skipped.size) console.error(`skipping listed classes not among ours: ${[...skipped].join(', ')}`);
    return out;
  }
  const out = [];
  const dirs = fs.readdirSync(folder, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  for (const cls of dirs) {
    if (!LABELS.includes(cls)) { console.error(`skipping folder ${cls}/ (not one of ${LABELS.join(', ')})`); continue; }
    for (const f of fs.readdirSync(path.join(folder, cls)).filter((f) => IMAGE_EXT.test(f)).sort()) {
      out.push({ rel: `${cls}/${f}`, cls, abs: path.join(folder, cls, f) });
    }
  }
  return out;
}

async function main() {
  const args = parseArgs(process.argv.slice(2), {
    out: '', summary: '', list: '', threads: 1, batch: 8, limit: 0,
  });
  if (args._.length !== 1) usage('give exactly one folder');
  if (!args.out) usage('--out is required');
  const folder = args._[0];
  let images = listImages(folder, args.list || null);
  if (args.limit > 0) images = images.slice(0, args.limit);
  if (!images.length) usage('no images found');

  const { tf, faceapi, info } = await initFaceApi({ threads: args.threads });
  console.error(`face-api ${info.faceapi}, tfjs ${info.tfjs}, backend ${info.backend}, simd ${info.simd}, `
    + `multithread ${info.multithread}, threads ${info.threads}; ${images.length} images from ${folder}`);

  fs.mkdirSync(path.dirname(path.resolve(args.out)), { recursive: true });
  const tmpOut = `${args.out}.partial`;
  const fd = fs.openSync(tmpOut, 'w');
  fs.writeSync(fd, `path,${CSV_HEADER_PROBS.join(',')}\n`);

  const rows = [];
  const t0 = performance.now();
  let lastLog = t0;
  for (let start = 0; start < images.length; start += args.batch) {
    const chunk = images.slice(start, start + args.batch);
    const tensors = chunk.map((im) => {
      const g = readGrayPng(im.abs);
      return grayToTensor3(tf, g);
    });
    // An array input makes face-api treat it as a batch (one NetInput, each image resized to 112 separately).
    const preds = await faceapi.nets.faceExpressionNet.predictExpressions(tensors);
    tf.dispose(tensors);
    let lines = '';
    chunk.forEach((im, k) => {
      const raw = FACEAPI_LABELS.map((l) => preds[k][l]);
      const five = renormalise(raw);
      rows.push({ trueIdx: LABELS.indexOf(im.cls), probs: five });
      lines += `${im.rel},${[...five, ...raw].map(fmt).join(',')}\n`;
    });
    fs.writeSync(fd, lines);
    const now = performance.now();
    if (now - lastLog > 30000 || start + args.batch >= images.length) {
      const done = Math.min(start + args.batch, images.length);
      console.error(`${done}/${images.length} images, ${(done / ((now - t0) / 1000)).toFixed(1)} images/s`);
      lastLog = now;
    }
  }
  fs.closeSync(fd);
  fs.renameSync(tmpOut, args.out);
  const seconds = (performance.now() - t0) / 1000;

  const presentIdx = LABELS.map((_, i) => i).filter((i) => rows.some((r) => r.trueIdx === i));
  const summary = {
    model: `@vladmandic/face-api ${info.faceapi} faceExpressionNet (tfjs ${info.tfjs}, ${info.backend})`,
    folder: path.resolve(folder),
    list: args.list ? path.resolve(args.list) : null,
    count: rows.length,
    labels: LABELS,
    all_five_classes: summarise(rows, LABELS.map((_, i) => i)),
    present_classes_only: summarise(rows, presentIdx),
    timing: {
      seconds: Number(seconds.toFixed(2)),
      images_per_s: Number((rows.length / seconds).toFixed(1)),
      threads: info.threads,
      simd: info.simd,
      batch: args.batch,
    },
  };
  const text = JSON.stringify(summary, null, 2);
  if (args.summary) fs.writeFileSync(args.summary, `${text}\n`);
  console.log(text);
}

main().catch((e) => { console.error(e); process.exit(1); });

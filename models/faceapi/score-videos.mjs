#!/usr/bin/env node
// Scores webcam videos with face-api.js's full path: ssdMobilenetv1 detector + 68 landmarks + expression net.
//
// Usage:
//   node score-videos.mjs --labels video/labels.csv (--ffmpeg /path/to/ffmpeg | --frames FRAMES_DIR)
//                         --out-dir OUT [--video-dir DIR] [--min-confidence 0.5] [--clip 30] [--sample 7,22]
//
// labels.csv has the header video,label,start_s,end_s (one or more rows per video). Each video is cut into
// consecutive clips of --clip frames (0-29, 30-59, ...; a trailing partial clip is dropped); frames 7 and 22 of each
// clip (--sample) go through detectSingleFace(ssdMobilenetv1).withFaceLandmarks().withFaceExpressions(); the five
// renormalised probabilities of the sampled frames where a face was found are averaged and the clip's label is their
// argmax. Clips where no sampled frame has a face are counted separately (label "no_face").
// A clip's true label is the labels.csv row whose [start_s, end_s] holds the whole clip (empty when none does).
//
// Frames come either from an ffmpeg executable (decoded to raw RGB through a pipe, every frame kept:
// -fps_mode passthrough) or from a folder of PNG frames FRAMES_DIR/<video file name>/<index>.png, numbered from 0,
// e.g. made with: ffmpeg -i v.mp4 -fps_mode passthrough -start_number 0 FRAMES_DIR/v.mp4/%06d.png
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { LABELS, FACEAPI_LABELS, initFaceApi, renormalise, fmt, parseArgs } from './lib.mjs';

const require = createRequire(import.meta.url);

function readLabels(file) {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const header = lines.shift().split(',').map((s) => s.trim());
  const col = (n) => {
    const i = header.indexOf(n);
    if (i < 0) throw new Error(`${file}: missing column ${n}`);
    return i;
  };
  const [iv, il, is, ie] = ['video', 'label', 'start_s', 'end_s'].map(col);
  const byVideo = new Map();
  for (const l of lines) {
    const c = l.split(',').map((s) => s.trim());
    const row = { label: c[il], start: Number(c[is]), end: Number(c[ie]) };
    if (!byVideo.has(c[iv])) byVideo.set(c[iv], []);
    byVideo.get(c[iv]).push(row);
  }
  return byVideo;
}

function probeSize(ffmpeg, file) {
  const r = spawnSync(ffmpeg, ['-hide_banner', '-i', file], { encoding: 'utf8' });
  const m = /Stream #\S+.*Video: .*?, (\d{2,5})x(\d{2,5})[, \[]/.exec(r.stderr || '');
  if (!m) throw new Error(`could not read the frame size of ${file} from ffmpeg:\n${r.stderr}`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

/** Decodes every frame with ffmpeg; keeps only the wanted ones (wanted(idx) -> bool). */
function decodeWithFfmpeg(ffmpeg, file, wanted) {
  const { width, height } = probeSize(ffmpeg, file);
  const frameBytes = width * height * 3;
  return new Promise((resolve, reject) => {
    const p = spawn(ffmpeg, ['-v', 'error', '-nostdin', '-i', file, '-map', '0:v:0', '-fps_mode', 'passthrough',
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const kept = new Map();
    let idx = 0;
    let cur = Buffer.alloc(frameBytes);
    let fill = 0;
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.stdout.on('data', (chunk) => {
      let off = 0;
      while (off < chunk.length) {
        const n = Math.min(frameBytes - fill, chunk.length - off);
        chunk.copy(cur, fill, off, off + n);
        fill += n; off += n;
        if (fill === frameBytes) {
          if (wanted(idx)) { kept.set(idx, { width, height, rgb: cur }); cur = Buffer.alloc(frameBytes); }
          idx += 1; fill = 0;
        }
      }
    });
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) reject(new Error(`ffmpeg exited with ${code}: ${err}`));
      else resolve({ frameCount: idx, frames: kept, width, height });
    });
  });
}

function readFramesFolder(dir, wanted) {
  const { PNG } = require('pngjs');
  const files = fs.readdirSync(dir).filter((f) => /^\d+\.png$/i.test(f));
  const byIdx = new Map(files.map((f) => [Number.parseInt(f, 10), f]));
  const frameCount = byIdx.size;
  for (let i = 0; i < frameCount; i += 1) if (!byIdx.has(i)) throw new Error(`${dir}: frames must be numbered 0..${frameCount - 1}; ${i} missing`);
  const frames = new Map();
  let width = 0; let height = 0;
  for (let i = 0; i < frameCount; i += 1) {
    if (!wanted(i)) continue;
    const png = PNG.sync.read(fs.readFileSync(path.join(dir, byIdx.get(i))));
    ({ width, height } = png);
    const rgb = Buffer.alloc(width * height * 3);
    for (let k = 0, j = 0; k < width * height; k += 1, j += 4) {
      rgb[3 * k] = png.data[j]; rgb[3 * k + 1] = png.data[j + 1]; rgb[3 * k + 2] = png.data[j + 2];
    }
    frames.set(i, { width, height, rgb });
  }
  return { frameCount, frames, width, height };
}

function trueLabelFor(rows, firstFrame, lastFrame, fps) {
  const t0 = firstFrame / fps; const t1 = (lastFrame + 1) / fps;
  const eps = 1e-6;
  const hit = (rows || []).find((r) => t0 >= r.start - eps && t1 <= r.end + eps);
  return hit ? hit.label : '';
}

async function main() {
  const args = parseArgs(process.argv.slice(2), {
    labels: '', ffmpeg: '', frames: '', 'video-dir': '', 'out-dir': '', 'min-confidence': 0.5, clip: 30,
    sample: '7,22', fps: 25, threads: 1,
  });
  if (!args.labels || !args['out-dir'] || (!args.ffmpeg && !args.frames)) {
    console.error('usage: node score-videos.mjs --labels labels.csv (--ffmpeg FFMPEG | --frames FRAMES_DIR) --out-dir OUT '
      + '[--video-dir DIR (default: the labels file folder)] [--min-confidence 0.5] [--clip 30] [--sample 7,22] [--fps 25]');
    process.exit(2);
  }
  const videoDir = args['video-dir'] || path.dirname(path.resolve(args.labels));
  const sample = args.sample.split(',').map(Number);
  const clipLen = args.clip;
  const labels = readLabels(args.labels);
  const outDir = args['out-dir'];
  fs.mkdirSync(outDir, { recursive: true });

  const { tf, faceapi, info } = await initFaceApi({
    threads: args.threads, nets: ['ssdMobilenetv1', 'faceLandmark68Net', 'faceExpressionNet'],
  });
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence: args['min-confidence'] });
  console.error(`face-api ${info.faceapi}, tfjs ${info.tfjs}, backend ${info.backend}, threads ${info.threads}; `
    + `ssdMobilenetv1 minConfidence ${args['min-confidence']}, clips of ${clipLen} frames, sampled frames ${sample}`);

  const clipRows = [];
  const frameRows = [];
  const perVideo = {};
  let framesScored = 0;
  let detectSeconds = 0;
  const wanted = (i) => sample.includes(i % clipLen);

  for (const video of labels.keys()) {
    const decoded = args.ffmpeg
      ? await decodeWithFfmpeg(args.ffmpeg, path.join(videoDir, video), wanted)
      : readFramesFolder(path.join(args.frames, video), wanted);
    const nClips = Math.floor(decoded.frameCount / clipLen);
    console.error(`${video}: ${decoded.frameCount} frames ${decoded.width}x${decoded.height}, ${nClips} clips`);
    const stats = {
      frames: decoded.frameCount, clips: nClips, clips_with_face: 0, clips_without_face: 0,
      label_counts: Object.fromEntries(LABELS.map((l) => [l, 0])), true_label_counts: {}, correct: 0, with_true_label: 0,
    };
    for (let c = 0; c < nClips; c += 1) {
      const first = c * clipLen; const last = first + clipLen - 1;
      const probsList = [];
      for (const s of sample) {
        const idx = first + s;
        const fr = decoded.frames.get(idx);
        const input = tf.tensor3d(new Int32Array(fr.rgb), [fr.height, fr.width, 3], 'int32');
        const t = performance.now();
        const res = await faceapi.detectSingleFace(input, options).withFaceLandmarks().withFaceExpressions();
        detectSeconds += (performance.now() - t) / 1000;
        framesScored += 1;
        tf.dispose(input);
        if (res) {
          const raw = FACEAPI_LABELS.map((l) => res.expressions[l]);
          const five = renormalise(raw);
          probsList.push(five);
          const b = res.detection.box;
          frameRows.push(`${video},${idx},1,${fmt(res.detection.score)},${[b.x, b.y, b.width, b.height].map((v) => v.toFixed(1)).join(',')},${[...five, ...raw].map(fmt).join(',')}`);
        } else {
          frameRows.push(`${video},${idx},0,,,,,${new Array(12).fill('').join(',')}`);
        }
      }
      const trueLabel = trueLabelFor(labels.get(video), first, last, args.fps);
      if (trueLabel) stats.true_label_counts[trueLabel] = (stats.true_label_counts[trueLabel] || 0) + 1;
      if (!probsList.length) {
        stats.clips_without_face += 1;
        clipRows.push(`${video},${first},${last},no_face,${new Array(5).fill('').join(',')},${trueLabel},0`);
        continue;
      }
      const avg = LABELS.map((_, k) => probsList.reduce((a, p) => a + p[k], 0) / probsList.length);
      let best = 0;
      for (let k = 1; k < avg.length; k += 1) if (avg[k] > avg[best]) best = k;
      stats.clips_with_face += 1;
      stats.label_counts[LABELS[best]] += 1;
      if (trueLabel) { stats.with_true_label += 1; if (trueLabel === LABELS[best]) stats.correct += 1; }
      clipRows.push(`${video},${first},${last},${LABELS[best]},${avg.map(fmt).join(',')},${trueLabel},${probsList.length}`);
    }
    perVideo[video] = stats;
  }

  const total = {
    frames: 0, clips: 0, clips_with_face: 0, clips_without_face: 0,
    label_counts: Object.fromEntries(LABELS.map((l) => [l, 0])), true_label_counts: {}, correct: 0, with_true_label: 0,
  };
  for (const s of Object.values(perVideo)) {
    for (const k of ['frames', 'clips', 'clips_with_face', 'clips_without_face', 'correct', 'with_true_label']) total[k] += s[k];
    for (const l of LABELS) total.label_counts[l] += s.label_counts[l];
    for (const [l, n] of Object.entries(s.true_label_counts)) total.true_label_counts[l] = (total.true_label_counts[l] || 0) + n;
  }
  for (const s of [...Object.values(perVideo), total]) {
    s.accuracy_on_clips_with_face = s.with_true_label ? s.correct / s.with_true_label : null;
  }
  const summary = {
    model: `@vladmandic/face-api ${info.faceapi}: ssdMobilenetv1 (minConfidence ${args['min-confidence']}) + faceLandmark68Net + faceExpressionNet (tfjs ${info.tfjs}, ${info.backend})`,
    method: `clips of ${clipLen} consecutive frames (trailing partial clip dropped); frames ${sample.join(' and ')} of each clip scored; `
      + 'five renormalised probabilities averaged over the sampled frames with a face; label = argmax; '
      + 'clips with no face in any sampled frame counted in clips_without_face; accuracy_on_clips_with_face compares with labels.csv',
    labels: LABELS,
    videos: perVideo,
    total,
    timing: {
      frames_scored: framesScored,
      detect_landmarks_expressions_seconds: Number(detectSeconds.toFixed(2)),
      frames_per_s: Number((framesScored / detectSeconds).toFixed(2)),
      threads: info.threads,
    },
  };
  fs.writeFileSync(path.join(outDir, 'videos.json'), `${JSON.stringify(summary, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, 'video-clips.csv'),
    `video,first_frame,last_frame,label,${LABELS.join(',')},true_label,frames_with_face\n${clipRows.join('\n')}\n`);
  fs.writeFileSync(path.join(outDir, 'video-frames.csv'),
    `video,frame,face,score,box_x,box_y,box_w,box_h,${LABELS.join(',')},${FACEAPI_LABELS.map((l) => `raw_${l}`).join(',')}\n${frameRows.join('\n')}\n`);
  console.log(JSON.stringify(summary, null, 2));
}

main().catch((e) => { console.error(e); process.exit(1); });

// A small PNG decoder for screenshots (8-bit RGB / RGBA / grey, not interlaced) and a measure of
// how much of an image is not background: enough to tell a rendered page from a blank one.
import { inflateSync } from 'node:zlib';

export interface Rgba {
  readonly width: number;
  readonly height: number;
  /** 4 bytes per pixel, row-major. */
  readonly data: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function decodePng(png: Uint8Array): Rgba {
  if (!SIGNATURE.every((b, i) => png[i] === b)) throw new Error('not a PNG');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Uint8Array[] = [];
  for (let at = 8; at + 8 <= png.length; ) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const body = png.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      const depth = body[8];
      const colour = body[9];
      if (depth !== 8 || body[12] !== 0) throw new Error(`unsupported PNG: bit depth ${depth}, interlace ${body[12]}`);
      channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colour] ?? 0;
      if (channels === 0) throw new Error(`unsupported PNG colour type ${colour}`);
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? row[x - channels] : 0;
      const b = prev[x];
      const c = x >= channels ? prev[x - channels] : 0;
      let v = src[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) throw new Error(`bad PNG filter ${filter} on row ${y}`);
      row[x] = v & 0xff;
    }
  }
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const p = pixels.subarray(i * channels, (i + 1) * channels);
    if (channels >= 3) data.set([p[0], p[1], p[2], channels === 4 ? p[3] : 255], i * 4);
    else data.set([p[0], p[0], p[0], channels === 2 ? p[1] : 255], i * 4);
  }
  return { width, height, data };
}

/** Distinct colours, the most common one (the background), and the share of pixels that differ from it. */
export function colourSummary(img: Rgba): { distinct: number; background: number; nonBackgroundShare: number } {
  const counts = new Map<number, number>();
  for (let i = 0; i < img.data.length; i += 4) {
    const c = ((img.data[i] << 16) | (img.data[i + 1] << 8) | img.data[i + 2]) >>> 0;
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let background = 0;
  let most = 0;
  for (const [c, n] of counts) if (n > most) [background, most] = [c, n];
  const total = img.width * img.height;
  return { distinct: counts.size, background, nonBackgroundShare: (total - most) / total };
}

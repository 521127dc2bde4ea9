// The one module that uses sharp: what finishPng makes of Chrome's captures.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { finishPng, PALETTE_MIN_PSNR, psnrOf, thumbnail } from '../src/image/image.js';
import { fromPpm } from '../src/image/first-page.js';

const W = 600;
const H = 400;

/** A capture of one band, as Chrome gives it: a PNG. */
async function capture(png: Buffer) {
  return { width: W, height: H, bands: [{ top: 0, height: H, png: new Uint8Array(png) }] };
}

/** Flat artwork: a few solid shapes, as a card is. */
function flat(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="${W}" height="${H}" fill="#fdf6ec"/><circle cx="150" cy="200" r="120" fill="#c8102e"/><rect x="320" y="80" width="220" height="240" fill="#1f3a5f"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Photo-like: smooth colour everywhere (three waves across each other), which 256 colours cannot hold. */
function photo(): Promise<Buffer> {
  const pixels = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      pixels[i] = 128 + 127 * Math.sin(x / 17);
      pixels[i + 1] = 128 + 127 * Math.sin(y / 23);
      pixels[i + 2] = 128 + 127 * Math.sin((x + y) / 31);
    }
  }
  return sharp(pixels, { raw: { width: W, height: H, channels: 3 } }).png().toBuffer();
}

describe('finishPng', () => {
  it('flat artwork becomes a palette PNG with its dpi, visually lossless; JPEG and WebP are not tried', async () => {
    const done = await finishPng(await capture(await flat()), { width: W, height: H, dpi: 72 }, 'flat', ['jpg', 'webp']);
    assert.equal(done.palette, true);
    assert.ok(done.psnr! >= PALETTE_MIN_PSNR, `PSNR ${done.psnr}`);
    assert.ok(done.png.byteLength < done.truecolourBytes);
    assert.deepEqual(done.alternates, []);
    const meta = await sharp(done.png).metadata();
    assert.deepEqual([meta.width, meta.height, meta.density, meta.isPalette], [W, H, 72, true]);
  });

  it('a photo stays full colour, and comes as JPEG and WebP too where those are smaller, from the same pixels', async () => {
    const source = await photo();
    const done = await finishPng(await capture(source), { width: W, height: H, dpi: 72 }, 'photo', ['jpg', 'webp']);
    assert.equal(done.palette, false);
    assert.ok(done.psnr! < PALETTE_MIN_PSNR, `PSNR ${done.psnr}`);
    assert.deepEqual(done.alternates.map((a) => a.ext).sort(), ['jpg', 'webp']);
    for (const alt of done.alternates) assert.ok(alt.data.byteLength < done.png.byteLength, `${alt.ext} is smaller`);
    // The PNG is exactly the pixels Chrome drew.
    const [a, b] = await Promise.all([source, done.png].map((p) => sharp(p).removeAlpha().raw().toBuffer()));
    assert.ok(a!.equals(b!));
  });

  it('fails when the bands do not cover the size asked for', async () => {
    await assert.rejects(finishPng(await capture(await flat()), { width: W, height: H + 1, dpi: 72 }, 'short'), /short\.png: expected 401 rows, received 400 in 1 bands/);
  });
});

describe('thumbnails', () => {
  it('reads the PPM pdftoppm writes, and makes a thumbnail of its pixels', async () => {
    const pixels = Buffer.alloc(8 * 4 * 3, 0x80);
    pixels[0] = 0xff; // first pixel red-ish
    const image = fromPpm(Buffer.concat([Buffer.from('P6\n8 4\n255\n', 'latin1'), pixels]));
    assert.deepEqual({ width: image?.width, height: image?.height, bytes: image?.data.length }, { width: 8, height: 4, bytes: 96 });
    const meta = await sharp(await thumbnail(image!, 4)).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 4, 2]);
  });

  it('reads nothing from what is not a whole 8-bit PPM', () => {
    assert.equal(fromPpm(Buffer.from('P5\n8 4\n255\n' + 'x'.repeat(32), 'latin1')), undefined); // grey
    assert.equal(fromPpm(Buffer.concat([Buffer.from('P6\n8 4\n255\n', 'latin1'), Buffer.alloc(95)])), undefined); // short
    assert.equal(fromPpm(Buffer.from('%PDF-1.7', 'latin1')), undefined);
  });
});

describe('psnrOf', () => {
  it('is the PSNR of the bytes, whether or not they start on a word', () => {
    const x = Buffer.alloc(1001, 100);
    const y = Buffer.alloc(1001, 100);
    y[3] = 110; // d = 10
    y[1000] = 97; // d = 3, past the last whole word
    const expected = 10 * Math.log10((255 * 255) / ((100 + 9) / 1001));
    assert.ok(Math.abs(psnrOf(x, y) - expected) < 1e-9);
    const shifted = Buffer.alloc(1002, 100).subarray(1); // not on a word
    shifted[3] = 110;
    shifted[1000] = 97;
    assert.ok(Math.abs(psnrOf(x, shifted) - expected) < 1e-9);
    assert.equal(psnrOf(x, Buffer.from(x)), Infinity);
    assert.throws(() => psnrOf(x, y.subarray(1)), /expected images of one size, received 1001 and 1000 bytes/);
  });
});

/**
 * Whether an image's data reaches its end, checked from the bytes alone (no decoding): PNG must
 * hold its IEND chunk, JPEG an end-of-image marker after its first scan, WebP as many bytes as its
 * RIFF header declares, GIF must end with its trailer byte. Returns what is wrong, or null.
 *
 * What this catches: a file cut off anywhere (an interrupted download or copy), for these four
 * formats. What it does not: damage inside the data of a complete file (flipped bytes in a PNG's
 * compressed stream, a corrupt JPEG scan), which only a full decode finds, and truncation of
 * other formats (TIFF, HEIF/AVIF), whose ends carry no marker. A cut GIF ends on its trailer byte
 * by chance once in 256 times.
 */
export function findTruncation(bytes: Uint8Array, format: string): string | null {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (format) {
    case 'png':
      return buffer.lastIndexOf(PNG_IEND) >= 0 ? null : 'the PNG has no IEND chunk: the file was cut off';
    case 'jpeg':
      return jpegEnds(buffer) ? null : 'the JPEG has no end-of-image marker after its image data: the file was cut off';
    case 'webp': {
      const declared = buffer.length >= 8 ? buffer.readUInt32LE(4) + 8 : Infinity;
      return buffer.length >= declared ? null : `the WebP declares ${declared} bytes but has ${buffer.length}: the file was cut off`;
    }
    case 'gif':
      return buffer[buffer.length - 1] === GIF_TRAILER ? null : 'the GIF does not end with its trailer: the file was cut off';
    default:
      return null;
  }
}

/** The whole IEND chunk: length 0, type, CRC. Twelve fixed bytes that compressed data all but never holds. */
const PNG_IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
const GIF_TRAILER = 0x3b;
const START_OF_SCAN = 0xda;
const END_OF_IMAGE = Buffer.from([0xff, 0xd9]);

/**
 * Walks the JPEG's marker segments to its first scan, then looks for the end-of-image marker
 * after it. Inside scan data 0xFF is always followed by 0x00 or a restart marker, so FF D9 there
 * is the real end; an EXIF thumbnail's own end marker sits before the first scan and is skipped.
 * Data after the end marker (a motion photo's video) is allowed.
 */
function jpegEnds(buffer: Buffer): boolean {
  let at = 2;
  while (at + 4 <= buffer.length) {
    if (buffer[at] !== 0xff) return false;
    const marker = buffer[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    const length = buffer.readUInt16BE(at + 2);
    if (marker === START_OF_SCAN) return buffer.indexOf(END_OF_IMAGE, at + 2 + length) >= 0;
    at += 2 + length;
  }
  return false;
}

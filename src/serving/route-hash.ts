/**
 * The routing hash, specified bit for bit in docs/route-hash.md so that a deployer in another
 * language puts every unit in the same bucket: MurmurHash3 x86_32, seed 0, over the UTF-8 bytes of
 * `model ‖ 0x00 ‖ unitId`, and bucket = hash mod 10,000. The salt is the model name alone, never
 * the percentage, so raising a stage keeps every unit already in the candidate there.
 */
import { fmix32 } from '../hash/fmix32.js';

/** Buckets of the routing hash; a candidate at p% takes buckets [0, p × 100). */
export const ROUTE_BUCKETS = 10_000;

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** MurmurHash3 x86_32 of `bytes[0, length)` with `seed`, as an unsigned 32-bit integer. */
export function murmur3x86_32(bytes: Uint8Array, length = bytes.length, seed = 0): number {
  let h = seed >>> 0;
  const blocks = length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  switch (length & 3) {
    case 3:
      k ^= bytes[blocks + 2]! << 16;
    // falls through
    case 2:
      k ^= bytes[blocks + 1]! << 8;
    // falls through
    case 1:
      k ^= bytes[blocks]!;
      k = Math.imul(k, C1);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, C2);
      h ^= k;
  }
  h ^= length;
  return fmix32(h);
}

/**
 * Buckets of one model: the salt's bytes are encoded once, and each unit id is written as UTF-8
 * into a reused buffer (no allocation per decision). A lone surrogate encodes as U+FFFD, as
 * `TextEncoder` does.
 */
export class RouteHasher {
  private buffer: Uint8Array;
  private readonly prefix: number;

  constructor(readonly salt: string) {
    const salted = new TextEncoder().encode(salt);
    this.prefix = salted.length + 1;
    this.buffer = new Uint8Array(this.prefix + 64);
    this.buffer.set(salted);
    this.buffer[salted.length] = 0;
  }

  /** The bucket of `unitId` in [0, 10,000). */
  bucketOf(unitId: string): number {
    return this.hashOf(unitId) % ROUTE_BUCKETS;
  }

  /** The 32-bit hash of `salt ‖ 0x00 ‖ unitId`. */
  hashOf(unitId: string): number {
    if (this.buffer.length < this.prefix + unitId.length * 3) this.grow(this.prefix + unitId.length * 3);
    return murmur3x86_32(this.buffer, this.encodeUnit(unitId));
  }

  private encodeUnit(text: string): number {
    const out = this.buffer;
    let n = this.prefix;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c < 0x80) {
        out[n++] = c;
        continue;
      }
      if (c < 0x800) {
        out[n++] = 0xc0 | (c >> 6);
        out[n++] = 0x80 | (c & 63);
        continue;
      }
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          i++;
          out[n++] = 0xf0 | (c >> 18);
          out[n++] = 0x80 | ((c >> 12) & 63);
          out[n++] = 0x80 | ((c >> 6) & 63);
          out[n++] = 0x80 | (c & 63);
          continue;
        }
        c = 0xfffd;
      }
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    }
    return n;
  }

  private grow(size: number): void {
    const next = new Uint8Array(Math.max(size, this.buffer.length * 2));
    next.set(this.buffer.subarray(0, this.prefix));
    this.buffer = next;
  }
}

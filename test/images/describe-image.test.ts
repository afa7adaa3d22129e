import { describe, expect, it } from 'vitest';
import { describeImage } from '../../src/images/describe-image.js';
import { makeImage, withPngSize } from '../helpers/images.js';

const cut = (bytes: Buffer, fraction = 0.6) => bytes.subarray(0, Math.floor(bytes.length * fraction));

describe('describeImage reads the header and checks the data is complete', () => {
  it.each(['png', 'jpeg', 'webp', 'gif'] as const)('a complete %s: format and size, no defect', async (format) => {
    expect(await describeImage(await makeImage(format))).toMatchObject({ format, width: 120, height: 80, defect: null });
  });

  it.each(['png', 'jpeg', 'webp', 'gif'] as const)('a %s cut off in its data is image-truncated or image-unreadable, never sound', async (format) => {
    const facts = await describeImage(cut(await makeImage(format)));
    // sharp reads a cut PNG's or JPEG's header happily; the end check finds the cut.
    expect(facts.defect?.rule).toBe(format === 'png' || format === 'jpeg' ? 'image-truncated' : 'image-unreadable');
  });

  it('an empty file and text named .png are image-unreadable', async () => {
    expect((await describeImage(new Uint8Array())).defect).toEqual({ rule: 'image-unreadable', message: 'the file is empty' });
    expect(await describeImage(Buffer.from('<html>not found</html>'))).toMatchObject({ format: null, width: null, height: null, defect: { rule: 'image-unreadable' } });
  });

  it('a 30000×30000 PNG header is read, not refused, so that validation can name its size', async () => {
    expect(await describeImage(withPngSize(await makeImage('png'), 30_000, 30_000))).toMatchObject({ format: 'png', width: 30_000, height: 30_000 });
  });

  it('a JPEG with data after its end marker (a motion photo) is complete', async () => {
    const jpeg = await makeImage('jpeg');
    expect((await describeImage(Buffer.concat([jpeg, Buffer.from('ftypmp42 trailing video')]))).defect).toBeNull();
  });
});

import sharp from 'sharp';
import type { DemoScene } from './build-demo-scene.js';
import { renderDemoScene } from './render-demo-scene.js';

/**
 * The scene as PNG bytes. Every encoder option is pinned, so a later sharp default cannot change
 * the bytes; sharp writes no metadata unless asked.
 */
export async function encodeDemoPng(scene: DemoScene): Promise<Buffer> {
  const raw = { width: scene.size, height: scene.size, channels: 3 as const };
  return sharp(renderDemoScene(scene), { raw })
    .png({ compressionLevel: 9, adaptiveFiltering: false, palette: false, progressive: false })
    .toBuffer();
}

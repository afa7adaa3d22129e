import { mixSeed } from './prng.js';

const STREAM_FILE_NAME = 3;

/**
 * The file name of demo image `index`, in the form Label Studio gives uploads: an 8-hex-digit
 * prefix, a dash and the original name ("3f2a9c1e-demo-000007.png").
 */
export function demoImageFileName(seed: number, index: number): string {
  const prefix = mixSeed(seed, STREAM_FILE_NAME, index).toString(16).padStart(8, '0');
  return `${prefix}-demo-${String(index + 1).padStart(6, '0')}.png`;
}

/** Where a Label Studio task points at an uploaded file: `/data/upload/<project>/<file>`. */
export function demoImageUrl(projectId: number, fileName: string): string {
  return `/data/upload/${projectId}/${fileName}`;
}

import type { UploadRecord } from '../../src/serving/upload-record.js';

const SECOND = 1000;

const FALLBACK: Partial<UploadRecord> = { version: null, role: 'none', output: null, accepted: false, source: 'fallback', fallback_reason: 'unavailable', shadow: null };

/** A served upload: the production model's output accepted, a shadow that agreed. Override any field. */
export function uploadRecord(overrides: Partial<UploadRecord> = {}): UploadRecord {
  return {
    id: 'upload-1',
    image_sha256: 'a'.repeat(64),
    unit: 'user-1',
    model: 'shapes',
    version: '1.2.0',
    role: 'production',
    output: {
      version: '1.2.0',
      classes: [
        { label: 'circle', score: 0.9137254901960784 },
        { label: 'square', score: 0.06 },
      ],
      regions: [{ label: 'circle', score: 0.88, box: [12.5, 3, 100.25, 64] }],
    },
    accepted: true,
    source: 'model',
    fallback_reason: null,
    shadow: { output: { version: '1.3.0', classes: [{ label: 'circle', score: 0.8 }], regions: [] }, agreed: true },
    latency_ms: 23.456789012345678,
    created_at: '2026-12-02T07:00:00.000Z',
    ...overrides,
  };
}

/**
 * `count` uploads one second apart from `start` (a `Date#toISOString()` time), ids `upload-<i>`,
 * alternating between `models`; every tenth one a fallback with no output and no shadow.
 */
export function uploadRecords(count: number, start: string, models: readonly string[] = ['shapes']): UploadRecord[] {
  const t0 = Date.parse(start);
  return Array.from({ length: count }, (_, i) => {
    const fallback = i % 10 === 9;
    return uploadRecord({
      id: `upload-${i}`,
      unit: `user-${i % 97}`,
      model: models[i % models.length]!,
      created_at: new Date(t0 + i * SECOND).toISOString(),
      latency_ms: 10 + (i % 50) / 8,
      ...(fallback ? FALLBACK : {}),
    });
  });
}

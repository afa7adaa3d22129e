import { describe, expect, it } from 'vitest';
import { MemoryUploadLog } from '../../src/serving/memory-upload-log.js';
import type { UploadRecord } from '../../src/serving/upload-record.js';

function record(id: string, created_at: string, model = 'shapes'): UploadRecord {
  return { id, image_sha256: 'a'.repeat(64), unit: 'u', model, version: null, role: 'none', output: null, accepted: false, source: 'fallback', fallback_reason: 'unavailable', shadow: null, latency_ms: 1, created_at };
}

describe('MemoryUploadLog', () => {
  it('lists a model’s records in [since, until), oldest first, at most limit; refuses a second record with the same id', async () => {
    const log = new MemoryUploadLog();
    await log.append(record('c', '2026-12-02T10:00:00.000Z'));
    await log.append(record('a', '2026-12-02T08:00:00.000Z'));
    await log.append(record('b', '2026-12-02T09:00:00.000Z'));
    await log.append(record('x', '2026-12-02T09:00:00.000Z', 'other'));
    const ids = async (query: Parameters<MemoryUploadLog['list']>[0]) => (await log.list(query)).map((r) => r.id);
    expect(await ids({ model: 'shapes' })).toEqual(['a', 'b', 'c']);
    expect(await ids({ model: 'shapes', since: '2026-12-02T09:00:00.000Z', until: '2026-12-02T10:00:00.000Z' })).toEqual(['b']);
    expect(await ids({ model: 'shapes', limit: 2 })).toEqual(['a', 'b']);
    await expect(log.append(record('a', '2026-12-02T11:00:00.000Z'))).rejects.toMatchObject({ code: 'E_WRITE_ONCE', data: { id: 'a' } });
    const got = await log.get('a');
    got!.unit = 'changed';
    expect((await log.get('a'))!.unit).toBe('u');
    expect(await log.get('nope')).toBeNull();
  });
});

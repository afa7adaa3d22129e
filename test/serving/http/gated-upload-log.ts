import { MemoryUploadLog } from '../../../src/serving/memory-upload-log.js';
import type { UploadRecord } from '../../../src/serving/upload-record.js';

/** A memory log whose appends wait until `open()`: uploads stay in flight for as long as a test needs. */
export class GatedUploadLog extends MemoryUploadLog {
  private waiting: Array<() => void> = [];
  private isOpen = false;
  closed = false;
  /** Appends now waiting at the gate. */
  get held(): number {
    return this.waiting.length;
  }

  override async append(record: UploadRecord): Promise<void> {
    if (!this.isOpen) await new Promise<void>((resolve) => this.waiting.push(resolve));
    return super.append(record);
  }

  open(): void {
    this.isOpen = true;
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  override async close(): Promise<void> {
    this.closed = true;
  }
}

/** Resolves once `condition()` holds, checking every 5 ms; rejects after `ms`. */
export async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

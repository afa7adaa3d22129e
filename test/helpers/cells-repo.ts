import { initModelRepo } from './model-repo.js';

/** The real SDK export the dataset tests ingest: two tasks of blood-cell regions, labelled in 2022. */
export const CELLS_EXPORT = new URL('../fixtures/label-studio/sdk-yolo-export-rectanglelabels.json', import.meta.url).pathname;

/** A clock a few years after the export's labels. */
export const CELLS_NOW = () => new Date('2026-11-22T00:00:00.000Z');

/** A model repository with dataset `cells` bound to the export's taxonomy (Label Studio project 1 unless given). */
export function initCellsRepo(dir: string, options: { url?: string; project?: number } = {}): Promise<void> {
  return initModelRepo(dir, { dataset: 'cells', ...options, taxonomy: { version: 'taxonomy_v1', classes: ['parasites', 'white'], regionClasses: ['parasites', 'white'] } });
}

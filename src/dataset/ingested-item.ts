import type { DatasetConfig } from '../artifacts/schemas/model-config.js';
import type { ImageFacts } from '../images/describe-image.js';
import type { LabelledTask } from './labelled-task.js';
import type { IngestedItem } from './plan-dataset-version.js';

/** A labelled task as the item it becomes, with what was learnt from its image (null: not fetched). */
export function ingestedItem(task: LabelledTask, config: DatasetConfig, facts: ImageFacts | null): IngestedItem {
  return {
    id: itemIdOf(config, task.taskId),
    taskId: task.taskId,
    updatedAt: task.updatedAt,
    item: {
      image: {
        url: task.image.url,
        sha256: facts?.sha256 ?? null,
        // The header's size when it could be read, otherwise the one Label Studio recorded.
        width: facts?.width ?? task.image.width,
        height: facts?.height ?? task.image.height,
        format: facts?.format ?? null,
        defect: facts?.defect ?? null,
      },
      classes: task.classes,
      regions: task.regions,
      annotation: task.annotation,
      meta: task.meta,
    },
  };
}

/** A task's item id: unique across the Label Studio projects a repository may ingest. */
export function itemIdOf(config: DatasetConfig, taskId: number | string): string {
  return `${config.label_studio.project}-${taskId}`;
}

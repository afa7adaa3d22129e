import { describe, expect, it } from 'vitest';
import { normalizeFixture } from './fixtures.js';

describe('normalizeTask on real Label Studio exports', () => {
  it('reads a single-task export with a choices result and a nested completed_by user (LS tests, 2021)', async () => {
    expect(await normalizeFixture('ls-previous-export-choices.json')).toEqual([
      {
        taskId: 1234,
        updatedAt: '2021-07-06T06:44:08.420891Z',
        taxonomyVersion: null,
        image: { url: 'https://pytest.labelstud.io/mypets.jpg', width: null, height: null },
        classes: ['Cat'],
        regions: [],
        annotation: { task_id: 1234, annotation_id: 5678, completed_by: 42, ground_truth: false, updated_at: '2021-07-06T06:44:08.446371Z' },
        meta: {},
      },
    ]);
  });

  it('takes the later of two annotations and converts percent boxes to 0–1 (SDK YOLO export, 2022)', async () => {
    expect(await normalizeFixture('sdk-yolo-export-rectanglelabels.json')).toEqual([
      {
        taskId: 1,
        updatedAt: '2022-12-27T21:05:03.168883Z',
        taxonomyVersion: null,
        image: { url: '/image1', width: 2800, height: 2800 },
        classes: [],
        regions: [
          { label: 'parasites', x: 0.3788706739526412, y: 0.7176684881602914, width: 0.03825136612021857, height: 0.04553734061930784, rotation: 0 },
          { label: 'white', x: 0.4918032786885246, y: 0.2313296903460838, width: 0.052823315118397086, height: 0.04007285974499089, rotation: 0 },
        ],
        // Annotation 2 (user 1, updated 21:05:03) beats annotation 1 (user 2, updated 21:04:40).
        annotation: { task_id: 1, annotation_id: 2, completed_by: 1, ground_truth: false, updated_at: '2022-12-27T21:05:03.127871Z' },
        meta: {},
      },
      {
        taskId: 2,
        updatedAt: '2022-12-27T21:05:25.980897Z',
        taxonomyVersion: null,
        image: { url: '/image2', width: 2800, height: 2800 },
        classes: [],
        regions: [
          { label: 'white', x: 0.19672131147540983, y: 0.4972677595628415, width: 0.03278688524590164, height: 0.029143897996357013, rotation: 0 },
          { label: 'white', x: 0.6174863387978142, y: 0.37158469945355194, width: 0.025500910746812388, height: 0.043715846994535526, rotation: 0 },
        ],
        annotation: { task_id: 2, annotation_id: 3, completed_by: 1, ground_truth: false, updated_at: '2022-12-27T21:05:25.940182Z' },
        meta: {},
      },
    ]);
  });

  it('keeps the box of a newer export, ignores its polygon and keypoints, and has no completed_by (SDK COCO export, 2025)', async () => {
    expect(await normalizeFixture('sdk-coco-export-newer-fields.json')).toEqual([
      {
        taskId: 175210175,
        updatedAt: '2025-05-02T08:49:25.007636Z',
        taxonomyVersion: null,
        image: { url: 'test_image1.jpg', width: 500, height: 320 },
        classes: [],
        regions: [{ label: 'rectangle_label', x: 0.3194192377495463, y: 0.041134751773049635, width: 0.06352087114337568, height: 0.09929078014184398, rotation: 0 }],
        annotation: { task_id: 175210175, annotation_id: 60205850, completed_by: null, ground_truth: false, updated_at: '2025-05-02T08:49:24.923046Z' },
        meta: {},
      },
    ]);
  });
});

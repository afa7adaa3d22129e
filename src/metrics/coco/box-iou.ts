/**
 * IoU of detections `[dtFrom, dtFrom + dtCount)` against ground truths `[gtFrom, gtFrom + gtCount)`,
 * written row-major (detection, ground truth) into `out`. The arithmetic follows pycocotools'
 * `bbIou` (maskApi.c) step for step so that results agree to the last bit: boxes that do not
 * overlap score 0, and against a crowd region the union is the detection's own area.
 */
export function fillBoxIous(
  dtBox: Float64Array,
  dtFrom: number,
  dtCount: number,
  gtBox: Float64Array,
  gtFrom: number,
  gtCount: number,
  gtCrowd: Uint8Array,
  out: Float64Array,
): void {
  for (let g = 0; g < gtCount; g++) {
    const gb = 4 * (gtFrom + g);
    const gx = gtBox[gb]!;
    const gy = gtBox[gb + 1]!;
    const gw = gtBox[gb + 2]!;
    const gh = gtBox[gb + 3]!;
    const gtArea = gw * gh;
    const crowd = gtCrowd[gtFrom + g] === 1;
    for (let d = 0; d < dtCount; d++) {
      const db = 4 * (dtFrom + d);
      const dx = dtBox[db]!;
      const dy = dtBox[db + 1]!;
      const dw = dtBox[db + 2]!;
      const dh = dtBox[db + 3]!;
      const dtArea = dw * dh;
      let iou = 0;
      const w = Math.min(dw + dx, gw + gx) - Math.max(dx, gx);
      if (w > 0) {
        const h = Math.min(dh + dy, gh + gy) - Math.max(dy, gy);
        if (h > 0) {
          const intersection = w * h;
          iou = intersection / (crowd ? dtArea : dtArea + gtArea - intersection);
        }
      }
      out[d * gtCount + g] = iou;
    }
  }
}

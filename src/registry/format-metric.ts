/**
 * A metric as every printer shows it: fixed digits, or a dash where there is no figure. COCO reports
 * -1 where there is nothing to measure (no ground truth of that size or class), so a negative value
 * is a dash too, never `-1.0000`.
 */
export function formatMetric(value: number | null | undefined, digits = 4): string {
  return value === null || value === undefined || !(value >= 0) ? '—' : value.toFixed(digits);
}

/** How many examples of a fault a report shows. */
export const SHOWN = 20;

/** Keeps a count and the first few examples of a fault. */
export class Faults {
  count = 0;
  readonly shown: string[] = [];
  add(text: string): void {
    if (this.count++ < SHOWN) this.shown.push(text);
  }
}

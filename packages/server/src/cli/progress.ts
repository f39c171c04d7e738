/** A one-line progress bar on a terminal; silent when stderr is not a TTY. */
export interface ProgressBar {
  update: (done: number, total: number) => void;
  done: () => void;
}

/**
 * Create a progress bar on `stream` (only drawn when it is a TTY).
 *
 * @example
 * ```ts
 * const bar = progressBar(process.stderr, "audit");
 * bar.update(10, 100);
 * bar.done();
 * ```
 */
export function progressBar(stream: NodeJS.WriteStream, label: string): ProgressBar {
  const tty = stream.isTTY === true;
  let last = 0;
  let drawn = false;
  return {
    update(done, total) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const width = 30;
      const frac = total === 0 ? 1 : Math.min(1, done / total);
      const fill = Math.round(frac * width);
      stream.write(`\r${label} [${"#".repeat(fill)}${"-".repeat(width - fill)}] ${done}/${total}`);
      drawn = true;
    },
    done() {
      if (tty && drawn) stream.write("\n");
    },
  };
}

// A one-line progress bar for training loops: redrawn in place on a terminal, every 10 % otherwise.
export class ProgressBar {
  /** @param {number} total @param {string} [label] */
  constructor(total, label = '') {
    this.total = total;
    this.label = label;
    this.count = 0;
    this.start = Date.now();
    this.tty = process.stderr.isTTY === true;
  }

  tick(status = '') {
    this.count++;
    const frac = this.count / this.total;
    const width = 30;
    const filled = Math.round(frac * width);
    const secs = (Date.now() - this.start) / 1000;
    const eta = frac > 0 ? secs / frac - secs : 0;
    const line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.count}/${this.total} ${status} ${secs.toFixed(1)}s eta ${eta.toFixed(1)}s`;
    if (this.tty) process.stderr.write(`\r${line}`);
    else if (this.count === this.total || this.count % Math.max(1, Math.round(this.total / 10)) === 0) process.stderr.write(`${line}\n`);
  }

  done() {
    if (this.tty) process.stderr.write('\n');
  }
}

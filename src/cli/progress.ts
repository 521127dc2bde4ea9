// A progress bar for long runs, on stderr: how many done of how many, the rate and the time left.
// In a terminal it is one line redrawn in place; in a log file or CI, a line per step.

export interface ProgressState {
  done: number;
  total: number;
  failed: number;
  elapsedSeconds: number;
  /** What is counted, e.g. outputs */
  unit: string;
  /** e.g. 3/10 rows */
  extra?: string;
}

/** [██████░░░░░░░░░░░░] 12/40 outputs · 3/10 rows · 0.85/s · ETA 0:33 */
export function progressLine(s: ProgressState, width = 20): string {
  const share = s.total === 0 ? 1 : Math.min(1, s.done / s.total);
  const filled = Math.round(share * width);
  const rate = s.elapsedSeconds > 0 ? s.done / s.elapsedSeconds : 0;
  const eta = s.done >= s.total ? 'done' : rate > 0 ? `ETA ${clock((s.total - s.done) / rate)}` : 'ETA –';
  const parts = [
    `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${s.done}/${s.total} ${s.unit}`,
    ...(s.extra ? [s.extra] : []),
    ...(s.failed > 0 ? [`${s.failed} failed`] : []),
    `${rate.toFixed(2)}/s`,
    eta,
  ];
  return parts.join(' · ');
}

/** 75 → 1:15, 3725 → 1:02:05 */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export class Progress {
  private done = 0;
  private failed = 0;
  private readonly started = performance.now();
  private drawn = false;

  constructor(
    private readonly total: number,
    private readonly unit: string,
    private readonly stream: ProgressStream,
    private readonly extra: () => string | undefined = () => undefined,
  ) {}

  /** One step finished. */
  tick(ok = true): void {
    this.done++;
    if (!ok) this.failed++;
    this.draw();
  }

  /** A line above the bar. */
  log(line: string): void {
    if (this.stream.isTTY && this.drawn) this.stream.write('\r\x1b[K');
    this.stream.write(`${line}\n`);
    if (this.stream.isTTY && this.drawn) this.draw();
  }

  /** Leave the bar's last state on its own line. */
  end(): void {
    if (this.stream.isTTY && this.drawn) this.stream.write('\n');
    this.drawn = false;
  }

  state(): ProgressState {
    return { done: this.done, total: this.total, failed: this.failed, elapsedSeconds: (performance.now() - this.started) / 1000, unit: this.unit, extra: this.extra() };
  }

  private draw(): void {
    const line = progressLine(this.state());
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[K${line}`);
      this.drawn = true;
    } else {
      this.stream.write(`${line}\n`);
    }
  }
}

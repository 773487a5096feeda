/** Where the run shows what it is doing: one live line on a terminal, plain lines otherwise. */
export interface Progress {
  /** A source (or `*` for the whole run) is working on a stage; replaces the live line on a TTY. */
  update(sourceId: string, stage: string, message: string): void;
  /** A source finished a stage; always printed as a permanent line. */
  done(sourceId: string, stage: string, message: string): void;
  /** A free line (headers, summaries). */
  line(text: string): void;
  /** Clear any live line. */
  finish(): void;
}

/** The subset of a stream progress needs (process.stdout fits). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Progress that prints nothing (tests, Lambdas). */
export const silentProgress: Progress = { update() {}, done() {}, line() {}, finish() {} };

/** Progress on a stream: a live-updating line when it is a TTY, one plain line per finished step otherwise. */
export function createProgress(stream: ProgressStream): Progress {
  const tty = stream.isTTY === true;
  let live = false;
  const clear = () => {
    if (live) stream.write('\r\u001b[2K');
    live = false;
  };
  const truncateToWidth = (text: string) => {
    const width = Math.max(20, (stream.columns ?? 100) - 1);
    return text.length > width ? `${text.slice(0, width - 1)}…` : text;
  };
  return {
    update(sourceId, stage, message) {
      if (!tty) return;
      clear();
      stream.write(truncateToWidth(`… ${stage.padEnd(9)} ${sourceId}: ${message}`));
      live = true;
    },
    done(sourceId, stage, message) {
      clear();
      stream.write(`${tty ? '✓' : '-'} ${stage.padEnd(9)} ${sourceId}: ${message}\n`);
    },
    line(text) {
      clear();
      stream.write(`${text}\n`);
    },
    finish: clear,
  };
}

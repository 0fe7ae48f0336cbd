import type { BackupProgress } from '../../common/ipc/backup.ipc';

export type ProgressListener = (p: BackupProgress) => void;

/**
 * Reports the phases of one operation; while the KDF runs (the long part, seconds on slow machines) it
 * repeats the elapsed time every `tickMs` so the UI can move a bar. The timer is unref'd and always cleared.
 */
export function progressReporter(
  operation: BackupProgress['operation'],
  listener: ProgressListener | undefined,
  estimateMs: number | null,
  tickMs = 100,
) {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const emit = (phase: BackupProgress['phase']) =>
    listener?.({ operation, phase, elapsedMs: Math.round(performance.now() - start), estimateMs });
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  return {
    phase(phase: BackupProgress['phase']) {
      stop();
      emit(phase);
      if (phase === 'kdf' && listener) {
        timer = setInterval(() => emit('kdf'), tickMs);
        timer.unref();
      }
    },
    done() {
      stop();
      emit('done');
    },
    stop,
  };
}

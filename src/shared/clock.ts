/** Injected time source and timers, so delay logic can be driven by a virtual clock in tests. */
export interface Clock {
  /** Monotonic milliseconds with sub-millisecond resolution. */
  nowMs(): number;
  setTimer(callback: () => void, delayMs: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export type TimerHandle = { readonly id: unknown };

export const systemClock: Clock = {
  nowMs: () => performance.now(),
  setTimer(callback, delayMs) {
    const timer = setTimeout(callback, Math.max(0, delayMs));
    return { id: timer };
  },
  clearTimer(handle) {
    clearTimeout(handle.id as NodeJS.Timeout);
  },
};

/** A virtual clock for deterministic tests: time moves only when `advance` is called. */
export class ManualClock implements Clock {
  private currentMs = 0;
  private nextId = 0;
  private readonly timers = new Map<number, { dueMs: number; callback: () => void }>();

  nowMs(): number {
    return this.currentMs;
  }

  setTimer(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { dueMs: this.currentMs + Math.max(0, delayMs), callback });
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    this.timers.delete(handle.id as number);
  }

  /** Moves time forward, firing due timers in due order (ties in creation order). */
  advance(deltaMs: number): void {
    const targetMs = this.currentMs + deltaMs;
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, timer]) => timer.dueMs <= targetMs)
        .sort((a, b) => a[1].dueMs - b[1].dueMs || a[0] - b[0])[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.currentMs = Math.max(this.currentMs, due[1].dueMs);
      due[1].callback();
    }
    this.currentMs = targetMs;
  }
}

import { initialStatus, step, type Run, type UnitEffect, type UnitEvent, type UnitLogEvent, type UnitRules, type UnitStatus } from '../policy/machine';

/**
 * How long after a death the rest of its session (processes it left in
 * other process groups) is looked for: after the next run has started.
 */
const SESSION_SCAN_DELAY_MS = 20;

/**
 * What a unit needs from the world. Real defaults come from
 * unit-deps.ts; a test passes fakes and a fake clock.
 */
export interface UnitDeps {
  now(): number;
  setTimer(ms: number, fire: () => void): unknown;
  clearTimer(handle: unknown): void;
  /** Starts the program; exits come back through Unit.childExited. */
  launch(): { pid: number; startTicks: string } | { error: string };
  /** Sends SIGNALS to every process of RUN's family (run null: what earlier runs left), sparing SPARE. */
  signalFamily(run: Run | null, signals: readonly string[], spare: readonly number[]): void;
  familyAlive(run: Run | null, spare: readonly number[]): boolean;
  signalMain(pid: number, signal: string): void;
  /** SIGKILL to the process group of a run that died on its own: at once, before the next run. */
  killGroup(run: Run): void;
  /** SIGKILL to the rest of its session: a /proc scan, done once the next run is on its way. */
  killSession(run: Run): void;
  log(event: UnitLogEvent): void;
  persist(status: UnitStatus): void;
}

/**
 * One program under supervision: feeds the machine (policy/machine.ts) its
 * events, one at a time and in order, and carries out the effects. It owns
 * no process-wide resource (signal handlers, locks, exit): that is the
 * host's, so one process can host many units.
 */
export class Unit {
  status: UnitStatus = initialStatus();
  private readonly queue: UnitEvent[] = [];
  private busy = false;
  private timer: unknown = null;
  private watchingFamily = false;
  private readonly listeners: Array<(unit: Unit) => void> = [];

  constructor(
    readonly name: string,
    readonly rules: UnitRules,
    private readonly deps: UnitDeps,
  ) {}

  /** Called after every event, with the new status. */
  onChange(listener: (unit: Unit) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Events are handled strictly one after another: an effect that produces
   * an event (a spawn produces 'spawned') queues it behind the current one.
   */
  feed(event: UnitEvent): void {
    this.queue.push(event);
    if (this.busy) return;
    this.busy = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
        const result = step(this.status, next, this.rules);
        this.status = result.unit;
        for (const effect of result.effects) this.perform(effect);
        for (const listener of this.listeners) listener(this);
      }
    } finally {
      this.busy = false;
    }
  }

  /** The spawner saw a launched process end. */
  childExited(pid: number, code: number | null, signal: string | null): void {
    if (this.status.run?.pid !== pid) return; // not this unit's current run
    this.feed({ type: 'exited', code, signal, at: this.deps.now() });
  }

  private perform(effect: UnitEffect): void {
    const { deps } = this;
    switch (effect.type) {
      case 'spawn': {
        const launched = deps.launch();
        const at = deps.now();
        if ('error' in launched) this.feed({ type: 'spawn-failed', error: launched.error, at });
        else this.feed({ type: 'spawned', pid: launched.pid, startTicks: launched.startTicks, at });
        return;
      }
      case 'signal-family':
        deps.signalFamily(this.status.run, effect.signals, effect.spare);
        this.watchFamily(effect.spare);
        return;
      case 'signal-main':
        deps.signalMain(effect.pid, effect.signal);
        return;
      case 'reap-remains': {
        const { run } = effect;
        deps.killGroup(run);
        // The scan of /proc costs milliseconds of CPU: done at once, it held up
        // the next run (woken on this CPU) for as long, on a busy machine.
        setTimeout(() => deps.killSession(run), SESSION_SCAN_DELAY_MS);
        return;
      }
      case 'set-timer':
      case 'escalate-after':
        this.setTimer(effect.ms);
        return;
      case 'cancel-timer':
        this.cancelTimer();
        return;
      case 'persist':
        deps.persist(this.status);
        return;
      case 'log':
        deps.log(effect.event);
        return;
    }
  }

  private setTimer(ms: number): void {
    this.cancelTimer();
    const handle = this.deps.setTimer(ms, () => {
      if (this.timer !== handle) return;
      this.timer = null;
      this.feed({ type: 'timer', at: this.deps.now() });
    });
    this.timer = handle;
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.deps.clearTimer(this.timer);
    this.timer = null;
  }

  /**
   * While a stop is under way, polls the family until no process of it is
   * left: 1 ms at first, up to 20 ms apart, since most programs end at once.
   */
  private watchFamily(spare: readonly number[]): void {
    if (this.watchingFamily) return;
    this.watchingFamily = true;
    let pause = 1;
    const look = () => {
      if (this.status.state !== 'stopping') {
        this.watchingFamily = false;
        return;
      }
      if (!this.deps.familyAlive(this.status.run, this.status.stopping?.spare ?? spare)) {
        this.watchingFamily = false;
        this.feed({ type: 'family-gone', at: this.deps.now() });
        return;
      }
      pause = Math.min(pause * 2, 20);
      setTimeout(look, pause);
    };
    setTimeout(look, pause);
  }
}

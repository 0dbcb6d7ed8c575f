/** What the pool needs of an execution environment. */
export interface PooledEnvironment {
  readonly alive: boolean;
  end(): Promise<void>;
}

/**
 * A function's execution environments: reused while warm (the most recently used first), created
 * on demand up to the concurrency limit, one invocation at a time each. At the limit a caller either
 * waits in line for the next free environment or is turned away (Lambda's throttle).
 */
export class EnvironmentPool<E extends PooledEnvironment> {
  private readonly environments = new Set<E>();
  private readonly idle: E[] = [];
  private readonly waiting: Array<{ resolve: (environment: E) => void; reject: (error: Error) => void }> = [];
  private closed = false;
  private readonly create: (onDeath: () => void) => E;
  private readonly limit: number;

  /** `create` is handed the callback the environment calls when it dies. */
  constructor(create: (onDeath: () => void) => E, limit: number) {
    this.create = create;
    this.limit = limit;
  }

  /** How many environments are alive (busy or idle). */
  get size(): number {
    return this.environments.size;
  }

  /** An environment for one invocation; undefined at the limit unless `wait`, which queues for one. */
  acquire(wait: boolean): Promise<E | undefined> {
    if (this.closed) return Promise.reject(new Error('the function is closed'));
    const warm = this.idle.pop();
    if (warm) return Promise.resolve(warm);
    if (this.environments.size < this.limit) return Promise.resolve(this.spawn());
    if (!wait) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** Gives the environment back after its invocation: to the next in line, or to the idle ones. */
  release(environment: E): void {
    if (!environment.alive || this.closed) return;
    const next = this.waiting.shift();
    if (next) next.resolve(environment);
    else this.idle.push(environment);
  }

  /** Ends every environment; callers still in line are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter.reject(new Error('the function is closed'));
    await Promise.all([...this.environments].map((environment) => environment.end()));
  }

  private spawn(): E {
    const environment: E = this.create(() => this.forget(environment));
    this.environments.add(environment);
    return environment;
  }

  // A dead environment frees its place: the next in line gets a new one (a cold start).
  private forget(environment: E): void {
    this.environments.delete(environment);
    const index = this.idle.indexOf(environment);
    if (index >= 0) this.idle.splice(index, 1);
    if (this.closed) return;
    const next = this.waiting.shift();
    if (next) next.resolve(this.spawn());
  }
}

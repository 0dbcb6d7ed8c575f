import type { DataApiServiceError } from './errors.ts';

/** Where the emulated Aurora Serverless v2 writer is in its pause cycle. */
export type ClusterState = 'available' | 'paused' | 'resuming';

/** Auto-pause timings; AWS's are SecondsUntilAutoPause (300 s to 1 day) and a resume of ~15 s. */
export interface AutoPauseSettings {
  /** Idle time (no request served, no transaction open) after which the cluster pauses. */
  readonly afterIdleMs: number;
  /** How long a resume takes; every request meanwhile is answered DatabaseResumingException. */
  readonly resumeMs: number;
}

/** What the pause cycle needs from the endpoint around it. */
export interface AutoPauseHooks {
  /** Open transactions hold connections, and an instance with connections does not pause. */
  readonly openTransactions: () => number;
  /** Really releases the database: closes every PostgreSQL pool. */
  readonly release: () => Promise<void>;
  /** The answer to a request that finds the cluster paused or resuming. */
  readonly resumingError: () => DataApiServiceError;
  readonly onStateChange?: ((state: ClusterState) => void) | undefined;
}

/** The gate every Data API call for the cluster passes through. */
export interface ClusterPower {
  state(): ClusterState;
  /** Runs one call while the cluster is available; otherwise starts (or waits out) a resume and refuses it. */
  serve<T>(work: () => Promise<T>): Promise<T>;
  /** Something other than a call kept the cluster busy until now (e.g. a transaction ended). */
  touch(): void;
  close(): void;
}

/** A cluster with a nonzero minimum capacity: always available. */
export const ALWAYS_AVAILABLE: ClusterPower = {
  state: () => 'available',
  serve: (work) => work(),
  touch: () => {},
  close: () => {},
};

/**
 * Aurora Serverless v2 at MinCapacity 0: "Aurora Serverless v2 DB instances can automatically pause
 * after a period with no user connections, and automatically resume when a connection request
 * arrives." — https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html
 * Through the Data API the request that finds the instance paused is not served: "A request was
 * cancelled because the Aurora Serverless v2 DB instance was paused. The Data API request
 * automatically resumes the DB instance. Wait a few seconds and try again." (DatabaseResumingException
 * in the service model). A call in flight or an open transaction is a user connection, so either
 * keeps the cluster awake; the idle clock restarts when the last of them ends.
 */
export function startAutoPause(settings: AutoPauseSettings, hooks: AutoPauseHooks): ClusterPower {
  let state: ClusterState = 'available';
  let inFlight = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  let resumeTimer: NodeJS.Timeout | undefined;
  let releasing: Promise<void> = Promise.resolve();
  let closed = false;

  const enter = (next: ClusterState) => {
    state = next;
    hooks.onStateChange?.(next);
  };

  const armIdleTimer = () => {
    clearTimeout(idleTimer);
    idleTimer = undefined;
    if (closed || state !== 'available' || inFlight > 0) return;
    idleTimer = setTimeout(pauseIfIdle, settings.afterIdleMs);
    idleTimer.unref();
  };

  const pauseIfIdle = () => {
    idleTimer = undefined;
    // A transaction that ends (or expires) calls touch(), which re-arms the timer.
    if (closed || state !== 'available' || inFlight > 0 || hooks.openTransactions() > 0) return;
    enter('paused');
    releasing = hooks.release().catch((error: unknown) => {
      console.error('local Data API: closing pools on auto-pause failed:', error);
    });
  };

  const startResume = () => {
    enter('resuming');
    resumeTimer = setTimeout(() => {
      resumeTimer = undefined;
      // The pools must be closed before calls are served again, however short the resume.
      void releasing.then(() => {
        if (closed) return;
        enter('available');
        armIdleTimer();
      });
    }, settings.resumeMs);
    resumeTimer.unref();
  };

  armIdleTimer();
  return {
    state: () => state,
    serve: async (work) => {
      if (state === 'paused') startResume();
      if (state !== 'available') throw hooks.resumingError();
      inFlight += 1;
      clearTimeout(idleTimer);
      try {
        return await work();
      } finally {
        inFlight -= 1;
        armIdleTimer();
      }
    },
    touch: armIdleTimer,
    close: () => {
      closed = true;
      clearTimeout(idleTimer);
      clearTimeout(resumeTimer);
    },
  };
}

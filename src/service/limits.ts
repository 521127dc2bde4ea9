// Every limit of the service and its workers: settable on the command line, each printed at start,
// and each one, when reached, says what happened (429, 503, a job failed with its reason, 413).

export interface Limits {
  /** Requests that may wait in the queue; one more is answered 429 with Retry-After */
  maxQueue: number;
  /** A request that waited longer than this in the queue fails (GET answers 503), s */
  queueTimeoutS: number;
  /** One output's render; past it the render is stopped and the request fails (render-timeout), s */
  renderTimeoutS: number;
  /** Largest request body, MB (413 beyond) */
  bodyLimitMb: number;
  /** Restart Chrome after this many renders */
  restartAfter: number;
  /** Restart Chrome when its processes hold more than this, MB */
  chromeRssMb: number;
  /** A probe render must answer within this, s; else Chrome is killed and restarted */
  probeTimeoutS: number;
  /** Probe an idle Chrome this often, s */
  probeIntervalS: number;
  /** Requests rendered at once in one process (each over the one browser) */
  concurrency: number;
  /** Attempts per output when Chrome dies under it (with backoff) */
  attempts: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxQueue: 100,
  queueTimeoutS: 300,
  renderTimeoutS: 300,
  bodyLimitMb: 5,
  restartAfter: 100,
  chromeRssMb: 2048,
  probeTimeoutS: 10,
  probeIntervalS: 30,
  concurrency: 1,
  attempts: 3,
};

/** The option of each limit on the command line. */
export const LIMIT_OPTIONS: Record<keyof Limits, string> = {
  maxQueue: 'max-queue',
  queueTimeoutS: 'queue-timeout',
  renderTimeoutS: 'render-timeout',
  bodyLimitMb: 'body-limit',
  restartAfter: 'restart-after',
  chromeRssMb: 'chrome-rss',
  probeTimeoutS: 'probe-timeout',
  probeIntervalS: 'probe-interval',
  concurrency: 'concurrency',
  attempts: 'attempts',
};

const UNITS: Record<keyof Limits, string> = {
  maxQueue: 'requests waiting',
  queueTimeoutS: 's waiting in the queue (then 503)',
  renderTimeoutS: 's per output render (then the job fails: render-timeout)',
  bodyLimitMb: 'MB per request body (then 413)',
  restartAfter: 'renders, then Chrome restarts',
  chromeRssMb: 'MB of Chrome memory, then Chrome restarts',
  probeTimeoutS: 's for a probe render, else Chrome is killed and restarted',
  probeIntervalS: 's between probes of an idle Chrome',
  concurrency: 'requests rendered at once',
  attempts: 'attempts per output when Chrome dies under it',
};

/** The limits as printed at start: one line each, with the option that sets it. */
export function describeLimits(limits: Limits, keys: (keyof Limits)[] = Object.keys(limits) as (keyof Limits)[]): string[] {
  return keys.map((k) => `limit --${LIMIT_OPTIONS[k]} ${limits[k]}: ${UNITS[k]}`);
}

/** Time as the rate limiter sees it, so tests can count admitted requests without waiting. */
export interface Clock {
  /** Milliseconds on any monotonic scale. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

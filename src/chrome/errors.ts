// What rendering in Chrome fails with.

export class RenderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RenderError';
  }
}

/** The browser died (crashed, or was killed): every page of the run is gone, so the run stops. */
export class BrowserGone extends RenderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrowserGone';
  }
}

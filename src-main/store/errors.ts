/** A run-store failure the user can act on; the message names the database file or folder. */
export class StoreError extends Error {
  constructor(
    message: string,
    /** The database file or home folder concerned. */
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

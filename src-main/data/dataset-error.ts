/**
 * A problem with the user's dataset (not a bug): the message names the file and, where it applies,
 * the line and field, so the user can fix the input.
 */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  readonly path: string;
  readonly line: number | undefined;
  readonly field: string | undefined;

  constructor(message: string, where: { path: string; line?: number; field?: string }) {
    const location = [where.path, where.line !== undefined ? `line ${where.line}` : undefined, where.field ? `field "${where.field}"` : undefined]
      .filter(Boolean)
      .join(', ');
    super(`${location}: ${message}`);
    this.path = where.path;
    this.line = where.line;
    this.field = where.field;
  }
}

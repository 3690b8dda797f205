/** A read that cannot be complete: the audit stops rather than store a snapshot with fewer holders. */
export class IncompleteReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncompleteReadError';
  }
}

/**
 * Why a grant operation was refused. The HTTP layer maps each to a status code and a
 * problem+json body; the CLI prints the message. None of them is thrown after a write.
 */

/** A field of the input is wrong (HTTP 422). */
export class InvalidGrantInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidGrantInputError';
  }
}

export class GrantNotFoundError extends Error {
  constructor(readonly grantId: string) {
    super(`No grant with id '${grantId}'; list grants to find the id.`);
    this.name = 'GrantNotFoundError';
  }
}

/** The caller may not do this to this grant: self-approval, someone else's grant (HTTP 403). */
export class GrantPolicyError extends Error {
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(message);
    this.name = 'GrantPolicyError';
  }
}

/** The grant is not in a state that allows the operation (HTTP 409). */
export class GrantStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GrantStateError';
  }
}

/** The request (or extension request) waited longer than WATCHDOG_REQUEST_TTL: no decision is taken on it (HTTP 409). */
export class RequestLapsedError extends GrantStateError {
  constructor(message: string) {
    super(message);
    this.name = 'RequestLapsedError';
  }
}

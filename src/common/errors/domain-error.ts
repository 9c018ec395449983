import { HttpStatus } from '@nestjs/common';

/**
 * A rule of the domain was broken. The code is stable (clients may branch on it); the global
 * filter turns it into problem+json with the status given here.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: HttpStatus,
    message: string,
    readonly extras: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super('not_found', HttpStatus.NOT_FOUND, `${what} ${id} does not exist`);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string, extras: Record<string, unknown> = {}) {
    super(code, HttpStatus.CONFLICT, message, extras);
  }
}

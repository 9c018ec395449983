/**
 * What the content store asks before it serves a file to a computer: does this computer's current
 * offer contain it? Answered by the check-in (its CheckInService), which depends on the content
 * store, so the content store names only this interface; src/wiring/offered-files.module.ts binds it.
 */
export interface OfferedFiles {
  offersFile(computerId: string, sha256: string): Promise<boolean>;
}

export const OFFERED_FILES = Symbol('OFFERED_FILES');

/** The three kinds of people who use Patchgate. Computers are not users; they have their own guard. */
export enum Role {
  Admin = 'admin',
  Approver = 'approver',
  Auditor = 'auditor',
}

export const ALL_ROLES = [Role.Admin, Role.Approver, Role.Auditor];

/** Who made an authenticated admin-API call: a person (JWT) or an automation token. */
export interface Principal {
  kind: 'user' | 'api-token';
  /** user id, or the API token's id */
  id: string;
  /** username, or the API token's name */
  name: string;
  role: Role;
}

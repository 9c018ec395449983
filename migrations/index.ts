import { CreateUsersAndApiTokens1763780000000 } from './1763780000000-CreateUsersAndApiTokens';
import { CreateCatalog1763780100000 } from './1763780100000-CreateCatalog';
import { CreateSigningKeys1763780150000 } from './1763780150000-CreateSigningKeys';

/** Every migration, in order. Listed explicitly so the app, the CLI and jest load the same set. */
export const ALL_MIGRATIONS = [
  CreateUsersAndApiTokens1763780000000,
  CreateCatalog1763780100000,
  CreateSigningKeys1763780150000,
];

import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { Principal } from '../../../common/auth/role';
import { AuthService } from '../auth.service';

/** Long-lived automation tokens (`pgt_…`), sent as bearer tokens like JWTs. */
@Injectable()
export class ApiTokenStrategy extends PassportStrategy(Strategy, 'api-token') {
  constructor(private readonly auth: AuthService) {
    super();
  }

  async validate(token: string): Promise<Principal | false> {
    return (await this.auth.principalFromApiToken(token)) ?? false;
  }
}

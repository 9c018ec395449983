import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../../infra/config/app-config';
import { UsersModule } from '../users/users.module';
import { AccessGuard } from './access.guard';
import { ApiTokensRepository } from './api-tokens.repository';
import { AuthService } from './auth.service';
import { ApiTokenEntity } from './entities/api-token.entity';
import { ApiTokenStrategy } from './strategies/api-token.strategy';
import { JwtStrategy } from './strategies/jwt.strategy';

@Module({
  imports: [
    UsersModule,
    PassportModule,
    TypeOrmModule.forFeature([ApiTokenEntity]),
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.jwtSecret,
        signOptions: { expiresIn: config.jwtExpiresInSeconds, algorithm: 'HS256' },
      }),
    }),
  ],
  providers: [AuthService, ApiTokensRepository, JwtStrategy, ApiTokenStrategy, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [AuthService],
})
export class AuthModule {}

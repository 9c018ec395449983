import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { ApiModule } from './api.module';
import { ProblemDetailsFilter } from './common/errors/problem-details.filter';
import { createValidationPipe } from './common/http/validation.pipe';
import { AppConfig } from './infra/config/app-config';
import { migrateDatabase } from './infra/database/migration-runner';
import { createHttpAdapter, secureHttp } from './infra/http/http-server';
import { AuditTrail } from './modules/audit/events/audit-trail.service';
import { FirstAdmin, UsersService } from './modules/users/users.service';

export interface ApiApp {
  app: NestFastifyApplication;
  /** Set when this start created the first admin. */
  firstAdmin: FirstAdmin | null;
}

/** Migrates, builds and initializes the API application; the caller decides where it listens. */
export async function createApiApp(config: AppConfig): Promise<ApiApp> {
  if (config.runMigrations) await migrateDatabase(config.databaseUrl);
  // bodyParser off: Fastify's own JSON parser (secure-json-parse) is the only one; Nest's would add forms.
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config), createHttpAdapter(config), {
    bufferLogs: true,
    bodyParser: false,
    // A failed start throws to the caller (which says why and exits), rather than exiting here.
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  await secureHttp(app, config);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter(app.get(AuditTrail)));
  setUpOpenApi(app);
  await app.init();
  const firstAdmin = await app.get(UsersService).ensureFirstAdmin();
  return { app, firstAdmin };
}

function setUpOpenApi(app: NestFastifyApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Patchgate')
      .setDescription('Update-approval server: catalog, groups, approvals, check-in and audit')
      .setVersion('1')
      .addBearerAuth()
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'computer token from /client/v1/register' }, 'computer')
      .addBasicAuth({ type: 'http', scheme: 'basic', description: 'computer id as login, computer token as password' }, 'computer-basic')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}

/** Shown once, on the console only (not the structured log), when the first admin was generated. */
export function printFirstAdmin(admin: FirstAdmin | null, url: string): void {
  if (!admin) return;
  const lines = [`First admin created: ${admin.username}`];
  if (admin.generatedPassword) lines.push(`Password (shown once): ${admin.generatedPassword}`);
  lines.push(`Log in: POST ${url}/api/v1/auth/login`);
  process.stdout.write(`\n${lines.map((l) => `  ${l}`).join('\n')}\n\n`);
}

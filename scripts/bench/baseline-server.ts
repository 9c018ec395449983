import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * The yardstick: a bare NestJS-on-Fastify endpoint with no database, no auth, no validation.
 * Patchgate's figures are reported as a ratio to what this serves on the same machine in the same run.
 */
@Controller()
class BaselineController {
  @Post('baseline')
  @HttpCode(200)
  answer(@Body() body: unknown): { ok: true; echo: unknown } {
    return { ok: true, echo: body };
  }
}

@Module({ controllers: [BaselineController] })
class BaselineModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(BaselineModule, new FastifyAdapter(), { logger: false });
  await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  process.stdout.write(`listening ${address.port}\n`);
}

void main();

import { ArgumentMetadata, BadRequestException } from '@nestjs/common';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsPlainText } from '../validation/text.validators';
import { Required as RequiredField } from './required.decorator';
import { createValidationPipe } from './validation.pipe';

class OptionalOnly {
  @IsOptional() @IsString() name?: string;
}

class Required {
  @IsString() name: string;
}

class WithRequiredField {
  @RequiredField() @IsString() @MaxLength(64) @IsPlainText() version: string;
}

const body = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype });

describe('createValidationPipe', () => {
  it('answers an empty body with a fresh instance of the DTO, every time', async () => {
    const pipe = createValidationPipe();
    const first = await pipe.transform({}, body(OptionalOnly));
    const second = await pipe.transform(undefined, body(OptionalOnly));
    expect(first).toBeInstanceOf(OptionalOnly);
    expect(second).toBeInstanceOf(OptionalOnly);
    expect(second).not.toBe(first);
  });

  it('still refuses an empty body for a DTO with required fields, every time, with its errors', async () => {
    const pipe = createValidationPipe();
    for (const value of [{}, {}, undefined]) {
      const refusal = await pipe.transform(value, body(Required)).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(BadRequestException);
      expect((refusal as BadRequestException).getResponse()).toMatchObject({ errors: [{ field: 'name', message: 'name must be a string' }] });
    }
  });

  it('validates a non-empty body after an empty one passed', async () => {
    const pipe = createValidationPipe();
    await pipe.transform({}, body(OptionalOnly));
    await expect(pipe.transform({ name: 1 }, body(OptionalOnly))).rejects.toBeInstanceOf(BadRequestException);
    await expect(pipe.transform({ other: 'x' }, body(OptionalOnly))).rejects.toBeInstanceOf(BadRequestException);
    await expect(pipe.transform({ name: 'a' }, body(OptionalOnly))).resolves.toEqual(Object.assign(new OptionalOnly(), { name: 'a' }));
  });

  it('names a missing required field as missing, and only so; a present bad value still gets its own errors', async () => {
    const pipe = createValidationPipe();
    const missing = await pipe.transform({}, body(WithRequiredField)).catch((error: BadRequestException) => error.getResponse());
    expect(missing).toMatchObject({ errors: [{ field: 'version', message: 'version is required' }] });
    const bad = await pipe.transform({ version: 'a\u0000b' }, body(WithRequiredField)).catch((error: BadRequestException) => error.getResponse());
    expect(bad).toMatchObject({ errors: [{ field: 'version', message: 'version must not contain control characters' }] });
  });
});
